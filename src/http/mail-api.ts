import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BantoError } from '../errors.js';
import type { MailService } from '../services/mail/index.js';
import type { OutboxMail } from '../services/mail/outbox.js';
import { sendJson } from './server.js';

export interface MailApiDeps {
  mail: MailService;
  /** BANTO_API_TOKEN; unset turns the API off. */
  token: string | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

const maxBody = 64 * 1024;
const requestSchema = z
  .strictObject({
    template: z.string().min(1),
    to: z.email().optional(),
    userId: z.union([z.string().min(1), z.number().int().positive()]).optional(),
    params: z.record(z.string(), z.unknown()),
    dedupeKey: z.string().min(1).max(150).optional(),
  })
  .refine((body) => (body.to === undefined) !== (body.userId === undefined), {
    message: 'give exactly one of to and userId',
    path: ['to'],
  });

const digest = (value: string) => createHash('sha256').update(value).digest();

function authorized(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  // Equal-length digests, compared in constant time: the token's length and prefix leak nothing.
  return timingSafeEqual(digest(given), digest(token));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new BantoError('BODY_TOO_LARGE', `the body is larger than ${maxBody} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BantoError('BODY_NOT_JSON', 'the body is not JSON');
  }
}

function describe(mail: OutboxMail) {
  return {
    id: mail.id,
    state: mail.state,
    template: mail.template,
    version: mail.templateVersion,
    to: mail.to,
    userId: mail.userId,
    attempts: mail.attempts,
    lastError: mail.lastError,
    createdAt: mail.createdAt.toISO(),
    sentAt: mail.sentAt?.toISO() ?? null,
    failedAt: mail.failedAt?.toISO() ?? null,
    resendOf: mail.resendOf,
  };
}

/** POST /api/mail, GET /api/mail/:id, GET /api/templates, for the web app; answers false for any other path. */
export function createMailApi({ mail, token }: MailApiDeps): Handler {
  const post = async (req: IncomingMessage, res: ServerResponse) => {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return sendJson(res, 400, { error: 'invalid_request', problems: [(error as Error).message] });
    }
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success)
      return sendJson(res, 400, {
        error: 'invalid_request',
        problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      });
    const request = parsed.data;
    let to = request.to;
    const userId = request.userId === undefined ? undefined : String(request.userId);
    if (userId !== undefined) {
      to = await mail.emailOfUser(userId);
      if (!to) return sendJson(res, 400, { error: 'invalid_request', problems: [`userId: no user ${userId}`] });
    }
    try {
      // API keys live in their own namespace: a web app's key can never match a reminder's.
      const dedupeKey = `api:${request.dedupeKey ?? randomUUID()}`;
      const queued = await mail.enqueue({
        template: request.template,
        to: to ?? '',
        userId,
        params: request.params,
        dedupeKey,
      });
      const row = await mail.find(queued.id);
      return sendJson(
        res,
        202,
        { ...(row ? describe(row) : { id: queued.id }), duplicate: !queued.created },
        { location: `/api/mail/${queued.id}` },
      );
    } catch (error) {
      const code = error instanceof BantoError ? error.code : '';
      if (code === 'MAIL_INVALID')
        return sendJson(res, 400, { error: 'invalid_request', problems: (error as BantoError).details });
      if (code === 'TEMPLATE_UNKNOWN' || code === 'TEMPLATE_NOT_APPROVED')
        return sendJson(res, 422, { error: code.toLowerCase(), message: (error as Error).message });
      throw error;
    }
  };

  return async (req, res, path) => {
    if (!path.startsWith('/api/')) return false;
    if (!token) {
      sendJson(res, 404, { error: 'api_off', message: 'the mail API is off: set BANTO_API_TOKEN' });
      return true;
    }
    if (!authorized(req, token)) {
      sendJson(
        res,
        401,
        { error: 'unauthorized', message: 'send Authorization: Bearer <BANTO_API_TOKEN>' },
        { 'www-authenticate': 'Bearer' },
      );
      return true;
    }
    const one = /^\/api\/mail\/(\d+)$/.exec(path);
    if (req.method === 'POST' && path === '/api/mail') await post(req, res);
    else if (req.method === 'GET' && one) {
      const row = await mail.find(Number(one[1]));
      if (row) sendJson(res, 200, describe(row));
      else sendJson(res, 404, { error: 'not_found', message: `no mail ${one[1]}` });
    } else if (req.method === 'GET' && path === '/api/templates') {
      const templates = (await mail.templates()).filter((t) => t.sendable);
      sendJson(res, 200, {
        templates: templates.map(({ name, description, sendable }) => ({
          name,
          description,
          version: sendable?.version,
          params: sendable?.params.map((p) => ({ name: p.name, sample: p.sample, description: p.description ?? null })),
        })),
      });
    } else sendJson(res, 404, { error: 'not_found' });
    return true;
  };
}
