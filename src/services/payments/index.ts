import type { Knex } from 'knex';
import type { Clock } from '../../clock.js';
import { summarizeDay, type DaySummary } from './summarize-day.js';

export type { DaySummary } from './summarize-day.js';

export interface PaymentsService {
  summarizeToday(): Promise<DaySummary>;
}

export function createPaymentsService({ db, clock }: { db: Knex; clock: Clock }): PaymentsService {
  return { summarizeToday: () => summarizeDay(db, clock.now(), clock.zone) };
}
