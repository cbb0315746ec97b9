import type { Knex } from 'knex';
import type { Clock } from '../../clock.js';
import type { RoleName } from '../../config.js';
import { dialectOf } from '../../db/connect.js';
import { BantoError } from '../../errors.js';
import type { Report } from './definition.js';
import { readParams } from './params.js';
import { runReportQuery, type ReportAnswer, type RunLimits } from './run.js';

export { reportSchema, type Report } from './definition.js';
export type { ReportAnswer } from './run.js';

export type ReportOutcome =
  | { kind: 'answer'; report: Report; shown: string; answer: ReportAnswer }
  | { kind: 'usage'; report: Report; problem: string }
  /** No report of that name that this person may run: the same answer either way, so names do not leak. */
  | { kind: 'unknown'; name: string };

export interface ReportServiceDeps {
  db: Knex;
  clock: Clock;
  reports: readonly Report[];
  limits?: RunLimits;
}

/** Saved reports: who may run which, and running one read-only within its limits (10 s, 1,000 rows by default). */
export function createReportService({
  db,
  clock,
  reports,
  limits = { timeoutMs: 10_000, maxRows: 1000 },
}: ReportServiceDeps) {
  const mayRun = (report: Report, roles: ReadonlySet<RoleName>) => report.roles.some((r) => roles.has(r));
  async function answer(report: Report, text: string): Promise<ReportOutcome> {
    const params = readParams(report, text, clock.now());
    if ('problem' in params) return { kind: 'usage', report, problem: params.problem };
    const sql = typeof report.sql === 'string' ? report.sql : report.sql[dialectOf(db)];
    const result = await runReportQuery(db, sql, params.bindings, limits);
    if (report.chart) {
      // Only the query's answer tells its columns: a chart naming one it lacks is the report's mistake, said so.
      const { x, y, color } = report.chart;
      const missing = [x, y, color].filter((c) => c !== undefined && !result.columns.includes(c));
      if (missing.length > 0)
        throw new BantoError(
          'REPORT_CHART',
          `the chart names ${missing.join(', ')}, which the query does not return (it returns ${result.columns.join(', ')})`,
        );
    }
    return { kind: 'answer', report, shown: params.shown, answer: result };
  }
  return {
    listFor: (roles: ReadonlySet<RoleName>) => reports.filter((r) => mayRun(r, roles)),
    async run(name: string, text: string, roles: ReadonlySet<RoleName>): Promise<ReportOutcome> {
      const report = reports.find((r) => r.name === name);
      if (!report || !mayRun(report, roles)) return { kind: 'unknown', name };
      return answer(report, text);
    },
    /** A scheduled run: the report's own arguments, on the schedule's behalf (no person's roles). */
    runScheduled: (report: Report) => answer(report, report.schedule?.args ?? ''),
    scheduled: () => reports.filter((r) => r.schedule),
  };
}

export type ReportService = ReturnType<typeof createReportService>;
