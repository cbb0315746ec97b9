import { Duration } from 'luxon';
import type { Clock } from '../clock.js';
import type { SyncSource } from '../services/sync/source.js';
import { startPartnerApi, type PartnerApi, type PartnerFailure } from './partner-api.js';

// Local mode's partner: a small CRM on loopback, configured as the sync source `demo_crm`, so `/sync-status`
// shows real runs from the first `npm start`. `partner down` in the console (or BANTO_DEMO_PARTNER=down)
// makes it answer 503, to watch the alert and then the recovery.

export interface DemoPartner {
  api: PartnerApi;
  source: SyncSource;
  /** Switches the partner's outage on or off. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

const plans = ['free', 'paid'] as const;
export const demoPartnerOutage: PartnerFailure = { status: 503, retryAfter: '1' };

export async function startDemoPartner(clock: Clock, { down = false } = {}): Promise<DemoPartner> {
  const api = await startPartnerApi({ path: '/crm/customers' });
  const record = (i: number) => ({
    id: `crm-${String(i).padStart(4, '0')}`,
    name: `Customer ${i}`,
    plan: plans[i % 2]!,
    amount: i % 2 === 0 ? 0 : 980,
    updated_at: clock.now().toUTC().toISO() ?? '',
  });
  for (let i = 1; i <= 120; i++) api.put(record(i));
  // A customer changes every minute, so the source has news for each run and its data never looks stale.
  let next = 0;
  const changes = setInterval(() => api.put(record((next++ % 120) + 1)), 60_000).unref();
  const setDown = (isDown: boolean) => api.setOutage(isDown ? demoPartnerOutage : undefined);
  setDown(down);
  const source: SyncSource = {
    name: 'demo_crm',
    url: api.url,
    pageSize: 50,
    pageSizeParam: 'limit',
    cursor: { param: 'cursor', from: 'next_cursor', hasMore: 'has_more' },
    recordsAt: 'data',
    shape: 'cursor-paged',
    cron: '0 */15 * * * *',
    timeout: Duration.fromObject({ seconds: 5 }),
    retry: { attempts: 2, backoff: Duration.fromObject({ seconds: 1 }) },
    table: 'banto_sync_demo_crm',
    key: 'id',
    fields: [
      { name: 'id', column: 'id', type: 'string', optional: false, max: 32 },
      { name: 'name', column: 'name', type: 'string', optional: false, max: 100 },
      { name: 'plan', column: 'plan', type: 'string', optional: false, max: 16 },
      { name: 'amount', column: 'amount', type: 'integer', optional: false, max: 255 },
      { name: 'updated_at', column: 'updated_at', type: 'datetime', optional: false, max: 255 },
    ],
    updatedAtField: 'updated_at',
    maxLag: Duration.fromObject({ minutes: 120 }),
    alertAfterFailures: 2,
    maxPages: 100,
  };
  return {
    api,
    source,
    setDown,
    async stop() {
      clearInterval(changes);
      await api.close();
    },
  };
}
