import type { Knex } from 'knex';
import type { Clock } from '../../clock.js';
import type { BillingSchema } from '../../config.js';
import { toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import type { ProviderApi } from '../provider/api.js';
import type { CarryOut, HelpRequest } from './index.js';

interface CarryOutDeps {
  db: Knex;
  clock: Clock;
  schema: BillingSchema;
  provider: ProviderApi | undefined;
  get(id: number): Promise<HelpRequest>;
}

/** The provider's id of the request's payment (its charge) or subscription, when the schema maps one. */
async function readProviderId({ db, schema }: CarryOutDeps, request: HelpRequest): Promise<string | undefined> {
  const { table, id } = request.kind === 'refund' ? schema.payments : schema.subscriptions;
  const column =
    request.kind === 'refund' ? schema.payments.provider_charge_id : schema.subscriptions.provider_subscription_id;
  if (!column) return undefined;
  const row = (await db(table)
    .where({ [id]: request.targetId })
    .first({ ref: column })) as { ref: string | null } | undefined;
  return row?.ref ? String(row.ref) : undefined;
}

/**
 * An approved request, carried out through the provider. The key is the request's own, so a retry after a failure
 * half-way (the provider did it, the mark was lost) finds what was done instead of doing it twice.
 */
export async function carryOutRequest(deps: CarryOutDeps, id: number, by: string): Promise<CarryOut> {
  const { db, clock, provider, get } = deps;
  const request = await get(id);
  if (request.state !== 'approved') return { outcome: 'already', request };
  if (request.requestedBy === by) return { outcome: 'own-request', request };
  const providerId = provider && (await readProviderId(deps, request));
  if (!provider || !providerId) return { outcome: 'manual', request };
  const key = `banto-help-request-${request.id}`;
  let ref: string;
  try {
    ref =
      request.kind === 'refund'
        ? await provider.refund({ chargeId: providerId, amount: request.amount, key })
        : await provider.cancelSubscription({ subscriptionId: providerId, key });
  } catch (error) {
    if (!(error instanceof BantoError)) throw error;
    await db('banto_help_requests')
      .where({ id, state: 'approved' })
      .update({ provider_error: error.message.slice(0, 500) });
    return { outcome: 'failed', request: await get(id), code: error.code };
  }
  const changed = await db('banto_help_requests')
    .where({ id, state: 'approved' })
    .update({ state: 'done', done_by: by, done_at: toDbTime(clock.now()), provider_ref: ref, provider_error: null });
  return { outcome: changed === 1 ? 'moved' : 'already', request: await get(id) };
}
