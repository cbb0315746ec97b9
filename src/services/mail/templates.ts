import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fromDbTime, toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import { referencedNames, type TemplateBody, type TemplateParam } from './render.js';

export type TemplateState = 'draft' | 'approved' | 'rejected';

export interface TemplateVersion extends TemplateBody {
  id: number;
  name: string;
  version: number;
  description: string;
  params: TemplateParam[];
  state: TemplateState;
  createdAt: DateTime;
  decidedBy: string | null;
  decidedAt: DateTime | null;
}

const paramValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.record(z.string(), z.unknown())).min(1, 'a list sample needs at least one item'),
]);
const fileSchema = z.strictObject({
  description: z.string().min(1).max(255),
  subject: z.string().min(1),
  params: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'parameter names are lower_snake_case'),
      z.strictObject({ sample: paramValue, description: z.string().optional() }),
    )
    .default({}),
  text: z.string().min(1),
  html: z.string().min(1),
});

export interface TemplateFile extends TemplateBody {
  name: string;
  description: string;
  params: TemplateParam[];
  hash: string;
  source: string;
}

/** Reads every `*.yml` in `dir`; a template that is malformed or uses an undeclared parameter stops the import with all problems listed. */
export function readTemplateFiles(dir: string): TemplateFile[] {
  const problems: string[] = [];
  const files: TemplateFile[] = [];
  for (const entry of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const name = basename(entry, '.yml');
    const raw = readFileSync(join(dir, entry), 'utf8');
    const parsed = fileSchema.safeParse(parseYaml(raw));
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      problems.push(`${entry}: template names are lower-case words joined by dashes`);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${entry}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
      continue;
    }
    const { description, subject, text, html } = parsed.data;
    const params = Object.entries(parsed.data.params).map(([param, spec]) => ({
      name: param,
      sample: spec.sample,
      description: spec.description,
    }));
    const declared = new Set(params.map((p) => p.name));
    for (const [part, body] of Object.entries({ subject, text, html })) {
      for (const used of referencedNames(body))
        if (!declared.has(used)) problems.push(`${entry}: ${part} uses {{${used}}}, which params does not declare`);
    }
    const hash = createHash('sha256')
      .update(JSON.stringify({ description, subject, text, html, params }))
      .digest('hex');
    files.push({ name, description, subject, text, html, params, hash, source: entry });
  }
  if (problems.length > 0)
    throw new BantoError(
      'TEMPLATE_INVALID',
      `templates in ${dir} have ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      problems,
    );
  return files;
}

interface TemplateRow {
  id: number;
  name: string;
  version: number;
  description: string;
  subject: string;
  text_body: string;
  html_body: string;
  params: string;
  state: TemplateState;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

function toVersion(row: TemplateRow): TemplateVersion {
  return {
    id: Number(row.id),
    name: row.name,
    version: Number(row.version),
    description: row.description,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    params: JSON.parse(row.params) as TemplateParam[],
    state: row.state,
    createdAt: fromDbTime(row.created_at),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at ? fromDbTime(row.decided_at) : null,
  };
}

/** Files whose content is new become the next version of their template, as drafts; unchanged files change nothing. */
export async function importTemplates(
  db: Knex,
  files: TemplateFile[],
  at: DateTime,
): Promise<{ name: string; version: number }[]> {
  const created: { name: string; version: number }[] = [];
  for (const file of files) {
    const known = await db('banto_mail_templates').where({ name: file.name, content_hash: file.hash }).first('id');
    if (known) continue;
    const last = await db('banto_mail_templates').where({ name: file.name }).max({ v: 'version' }).first();
    const version = Number(last?.v ?? 0) + 1;
    try {
      await db('banto_mail_templates').insert({
        name: file.name,
        version,
        content_hash: file.hash,
        description: file.description,
        subject: file.subject,
        text_body: file.text,
        html_body: file.html,
        params: JSON.stringify(file.params),
        state: 'draft',
        source: file.source,
        created_at: toDbTime(at),
      });
      created.push({ name: file.name, version });
    } catch (error) {
      // Another replica imported the same file at the same moment: its row is as good as ours.
      if (!(await db('banto_mail_templates').where({ name: file.name, content_hash: file.hash }).first('id')))
        throw error;
    }
  }
  return created;
}

export async function findTemplateVersion(db: Knex, id: number): Promise<TemplateVersion | undefined> {
  const row = (await db('banto_mail_templates').where({ id }).first()) as TemplateRow | undefined;
  return row ? toVersion(row) : undefined;
}

export async function findVersionByNumber(
  db: Knex,
  name: string,
  version: number,
): Promise<TemplateVersion | undefined> {
  const row = (await db('banto_mail_templates').where({ name, version }).first()) as TemplateRow | undefined;
  return row ? toVersion(row) : undefined;
}

/** The version that is sent for `name`: the newest approved one. */
export async function findSendableVersion(db: Knex, name: string): Promise<TemplateVersion | undefined> {
  const row = (await db('banto_mail_templates')
    .where({ name, state: 'approved' })
    .orderBy('version', 'desc')
    .first()) as TemplateRow | undefined;
  return row ? toVersion(row) : undefined;
}

export interface TemplateOverview {
  name: string;
  description: string;
  latest: TemplateVersion;
  /** The version mail is sent with, if any is approved. */
  sendable: TemplateVersion | undefined;
}

export async function listTemplates(db: Knex): Promise<TemplateOverview[]> {
  const rows = (
    (await db('banto_mail_templates').orderBy(['name', { column: 'version', order: 'desc' }])) as TemplateRow[]
  ).map(toVersion);
  const byName = new Map<string, TemplateVersion[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  return [...byName.values()].map((versions) => {
    const latest = versions[0] as TemplateVersion;
    return {
      name: latest.name,
      description: latest.description,
      latest,
      sendable: versions.find((v) => v.state === 'approved'),
    };
  });
}

/** An executive's decision on a draft; the decision row stays for good. A decided version cannot be decided again. */
export async function decideTemplate(
  db: Knex,
  input: { id: number; decision: 'approve' | 'reject'; userId: string; at: DateTime },
): Promise<TemplateVersion> {
  const state: TemplateState = input.decision === 'approve' ? 'approved' : 'rejected';
  await db.transaction(async (trx) => {
    const changed = await trx('banto_mail_templates')
      .where({ id: input.id, state: 'draft' })
      .update({ state, decided_by: input.userId, decided_at: toDbTime(input.at) });
    if (changed === 0) {
      const row = (await trx('banto_mail_templates').where({ id: input.id }).first()) as TemplateRow | undefined;
      if (!row) throw new BantoError('TEMPLATE_NOT_FOUND', `no template version ${input.id}`);
      throw new BantoError(
        'TEMPLATE_ALREADY_DECIDED',
        `${row.name} v${row.version} is already ${row.state} (by ${row.decided_by ?? 'nobody'})`,
      );
    }
    await trx('banto_mail_template_decisions').insert({
      template_id: input.id,
      action: input.decision,
      user_id: input.userId,
      at: toDbTime(input.at),
    });
  });
  return (await findTemplateVersion(db, input.id)) as TemplateVersion;
}

export async function recordTestSend(db: Knex, input: { id: number; userId: string; at: DateTime }): Promise<void> {
  await db('banto_mail_template_decisions').insert({
    template_id: input.id,
    action: 'test',
    user_id: input.userId,
    at: toDbTime(input.at),
  });
}

/** The demo seed's shortcut: every draft approved by `by`, so local mode can send from the first start. */
export async function approveAllDrafts(db: Knex, by: string, at: DateTime): Promise<number> {
  const drafts = (await db('banto_mail_templates').where({ state: 'draft' }).select('id')) as { id: number }[];
  for (const { id } of drafts) await decideTemplate(db, { id: Number(id), decision: 'approve', userId: by, at });
  return drafts.length;
}
