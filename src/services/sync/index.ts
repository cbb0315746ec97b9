import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Clock } from '../../clock.js';
import type { SyncSource } from './source.js';
import { latestSyncRun, readSyncState, recordsSyncedBetween, type SyncRun } from './sync-runs.js';

/** The schedule table's job that runs a source. */
export const syncJobName = (source: string) => `sync-${source}`;

/** Where a source stands, for `/sync-status` and `banto sync status`. */
export interface SyncSourceStatus {
  name: string;
  health: 'healthy' | 'failing' | 'stale' | 'never-run';
  lastSuccessAt: DateTime | undefined;
  /** How old the newest synced record is, now. */
  lagSeconds: number | undefined;
  maxLagSeconds: number;
  failureStreak: number;
  nextRun: DateTime | undefined;
  /** Records written (inserted or updated) by the runs that started today, in the business zone. */
  syncedToday: number;
  lastRun: SyncRun | undefined;
}

export interface SyncService {
  readonly sources: readonly SyncSource[];
  knows(name: string): boolean;
  status(): Promise<SyncSourceStatus[]>;
  lastRun(name: string): Promise<SyncRun | undefined>;
}

export interface SyncServiceDeps {
  db: Knex;
  clock: Clock;
  sources: readonly SyncSource[];
  /** When the schedule runs the source next (the runner knows). */
  nextRun(source: string): DateTime | undefined;
}

export function createSyncService({ db, clock, sources, nextRun }: SyncServiceDeps): SyncService {
  return {
    sources,
    knows: (name) => sources.some((s) => s.name === name),
    lastRun: (name) => latestSyncRun(db, name),
    async status() {
      const now = clock.now();
      const today = now.startOf('day');
      return Promise.all(
        sources.map(async (source): Promise<SyncSourceStatus> => {
          const [state, lastRun, syncedToday] = await Promise.all([
            readSyncState(db, source.name),
            latestSyncRun(db, source.name),
            recordsSyncedBetween(db, source.name, today, today.plus({ days: 1 })),
          ]);
          const lagSeconds = state.newestAt
            ? Math.max(0, Math.round(now.diff(state.newestAt).as('seconds')))
            : undefined;
          const maxLagSeconds = source.maxLag.as('seconds');
          const health = !lastRun
            ? 'never-run'
            : lagSeconds !== undefined && lagSeconds > maxLagSeconds
              ? 'stale'
              : state.failureStreak > 0
                ? 'failing'
                : 'healthy';
          return {
            name: source.name,
            health,
            lastSuccessAt: state.lastSuccessAt,
            lagSeconds,
            maxLagSeconds,
            failureStreak: state.failureStreak,
            nextRun: nextRun(source.name),
            syncedToday,
            lastRun,
          };
        }),
      );
    },
  };
}
