import { join } from 'node:path';
import type { BackupSettings } from '../../src/config-data.js';

/** Backup settings as the demo config has them, the backups in `dir` and the archive beside them. */
export const backupSettingsIn = (dir: string, tool: BackupSettings['tool'] = 'auto'): BackupSettings => ({
  dir,
  tool,
  keep: { daily: 7, weekly: 4, monthly: 6 },
  pruned: 'delete',
  archiveDir: join(dir, 'archive'),
});
