// npm run bench [name]: runs the benchmarks and prints Markdown for docs/benchmarks.md.
import { benchAnonymize } from './anonymize.js';
import { benchAuditInsert } from './audit-insert.js';
import { benchBackup } from './backup.js';
import { benchBoltListeners } from './bolt-listeners.js';
import { benchCliStart } from './cli-start.js';
import { benchJobCoordinator } from './job-coordinator.js';
import { benchMailOutbox } from './mail-outbox.js';
import { benchPaymentsSummary } from './payments-summary.js';
import { benchReplicas } from './replicas.js';
import { benchSlackCommands } from './slack-commands.js';
import { benchSyncSource } from './sync-source.js';

const benchmarks: Record<string, () => Promise<string>> = {
  'slack-commands': benchSlackCommands,
  'bolt-listeners': benchBoltListeners,
  'audit-insert': benchAuditInsert,
  'job-coordinator': benchJobCoordinator,
  'payments-summary': benchPaymentsSummary,
  'mail-outbox': benchMailOutbox,
  replicas: benchReplicas,
  'sync-source': benchSyncSource,
  anonymize: benchAnonymize,
  backup: benchBackup,
  'cli-start': benchCliStart,
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  process.stdout.write(`${await run()}\n\n`);
}
