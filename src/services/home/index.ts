import type { DateTime } from 'luxon';
import type { RoleName } from '../../config.js';
import type { MailStatus } from '../mail/status.js';
import type { PeriodSummary } from '../payments/index.js';
import type { HelpRequest } from '../requests/index.js';
import type { SyncSourceStatus } from '../sync/index.js';

/** A job as the Home shows it (the runner's status, structurally: services do not import the schedules). */
export interface HomeJob {
  name: string;
  enabled: boolean;
  lastRun: { status: string; finishedAt: DateTime | null; error: string | null } | undefined;
}

/** What one person's Home holds: only the parts their roles may see; a part they may not see is absent. */
export interface HomeData {
  /** The figures, and the file id of the last daily chart the billing channel got, if any. */
  billing?: { today: PeriodSummary; yesterday: PeriodSummary; chartFileId: string | undefined };
  desk?: { openRequests: HelpRequest[]; mail: MailStatus };
  engineering?: {
    alerts: { key: string; message: string; openedAt: DateTime }[];
    failingJobs: HomeJob[];
    sources: SyncSourceStatus[];
  };
}

export interface HomeServiceDeps {
  summarize(day: 'today' | 'yesterday'): Promise<PeriodSummary>;
  lastDailyChart(): Promise<string | undefined>;
  openRequestsOf(userId: string): Promise<HelpRequest[]>;
  mailToday(): Promise<MailStatus>;
  openAlerts(): Promise<{ key: string; message: string; openedAt: DateTime }[]>;
  jobs(): Promise<HomeJob[]>;
  sources(): Promise<SyncSourceStatus[]>;
}

const has = (roles: ReadonlySet<RoleName>, ...wanted: RoleName[]) => wanted.some((r) => roles.has(r));

/**
 * The App Home's data per role: billing figures for exec and accounting, the help desk's requests and mail for
 * clerks (and accounting), alerts, failing jobs and sync sources for engineers. Each part is read only for a role
 * that may see it, so a view cannot show what was never read.
 */
export function createHomeService(deps: HomeServiceDeps) {
  return {
    read: (roles: ReadonlySet<RoleName>, userId: string) => readHome(deps, roles, userId),
    /**
     * For one pass over many people's Homes (refresh-homes): what is the same for everyone (the figures, the chart,
     * mail, alerts, jobs, sources) is read once for the pass, not once per person.
     */
    pass() {
      const once = <T>(read: () => Promise<T>) => {
        let kept: Promise<T> | undefined;
        return () => (kept ??= read());
      };
      const days = { today: once(() => deps.summarize('today')), yesterday: once(() => deps.summarize('yesterday')) };
      const shared: HomeServiceDeps = {
        ...deps,
        summarize: (day) => days[day](),
        lastDailyChart: once(deps.lastDailyChart),
        mailToday: once(deps.mailToday),
        openAlerts: once(deps.openAlerts),
        jobs: once(deps.jobs),
        sources: once(deps.sources),
      };
      return { read: (roles: ReadonlySet<RoleName>, userId: string) => readHome(shared, roles, userId) };
    },
  };
}

async function readHome(deps: HomeServiceDeps, roles: ReadonlySet<RoleName>, userId: string): Promise<HomeData> {
  const data: HomeData = {};
  if (has(roles, 'exec', 'accounting')) {
    const [today, yesterday, chartFileId] = await Promise.all([
      deps.summarize('today'),
      deps.summarize('yesterday'),
      deps.lastDailyChart(),
    ]);
    data.billing = { today, yesterday, chartFileId };
  }
  if (has(roles, 'clerk', 'accounting'))
    data.desk = { openRequests: await deps.openRequestsOf(userId), mail: await deps.mailToday() };
  if (has(roles, 'engineer'))
    data.engineering = {
      alerts: await deps.openAlerts(),
      failingJobs: (await deps.jobs()).filter((j) => j.enabled && j.lastRun?.status === 'failed'),
      sources: await deps.sources(),
    };
  return data;
}

export type HomeService = ReturnType<typeof createHomeService>;
