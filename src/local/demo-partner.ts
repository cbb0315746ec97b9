import type { Clock } from '../clock.js';
import { defineSyncSource } from '../config-sync.js';
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
  const source = defineSyncSource('demo_crm', {
    url: api.url,
    page_size: 50,
    timeout_seconds: 5,
    retry: { attempts: 2, backoff_seconds: 1 },
    key: 'id',
    fields: {
      id: { type: 'string', max: 32 },
      name: { type: 'string', max: 100 },
      plan: { type: 'string', max: 16 },
      amount: { type: 'integer' },
      updated_at: { type: 'datetime' },
    },
    updated_at_field: 'updated_at',
    max_pages: 100,
  });
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
