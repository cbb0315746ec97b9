import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';

const tableFacts = z.object({ name: z.string(), rows: z.number().int().min(0), sample: z.string() });

/** What a backup holds, written beside it as `<stem>.json`. A backup without its manifest is unfinished. */
export const manifestSchema = z.object({
  /** The backup's file (or folder) name in the backup directory. */
  file: z.string(),
  createdAt: z.string(),
  engine: z.enum(['sqlite', 'mysql']),
  database: z.string(),
  serverVersion: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  tables: z.array(tableFacts),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  durationMs: z.number().min(0),
  verification: z
    .object({ state: z.enum(['verified', 'failed']), at: z.string(), problem: z.string().optional() })
    .optional(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type TableFacts = z.infer<typeof tableFacts>;

export const manifestPath = (dir: string, file: string) =>
  join(dir, `${file.replace(/\.(sqlite3\.gz|sql\.gz|mydumper)$/, '')}.json`);

/** Written to a temporary name first, so a reader never sees half a manifest. */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = manifestPath(dir, manifest.file);
  await writeFile(`${path}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.partial`, path);
}

/** Every finished backup in the directory, newest first. A manifest that cannot be read is reported, not dropped. */
export async function listManifests(dir: string): Promise<{ manifests: BackupManifest[]; unreadable: string[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { manifests: [], unreadable: [] };
    throw error;
  }
  const manifests: BackupManifest[] = [];
  const unreadable: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      manifests.push(manifestSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8'))));
    } catch {
      unreadable.push(name);
    }
  }
  manifests.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { manifests, unreadable };
}

/** The sha256 of a file's bytes, as hex. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A pass-through that counts and hashes what a backup writes; `onChunk` is told after each chunk. */
export function createHashTap(onChunk?: () => void) {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onChunk?.();
      done(null, chunk);
    },
  });
  return { stream, written: () => ({ bytes, sha256: hash.digest('hex') }) };
}
