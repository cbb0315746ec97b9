import { z } from 'zod';
import { cronProblem } from '../jobs/slots.js';

// A saved report as written in YAML (`reports:` in the config, or one per file in config/reports/): one SELECT
// with named, typed parameters, who may run it, and how its answer is shown.

const name = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'lower-case words joined by dashes');
const paramName = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'lower-case letters, digits and _');

const statement = z
  .string()
  .min(1)
  .refine((sql) => !/;\s*\S/.test(sql), 'one statement only');

const param = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('date'), default: z.string().optional() }),
  /**
   * A period as /payments takes it; the query binds `:NAME_from` and `:NAME_to` (UTC, [from, to)), and
   * `:NAME_from_day` and `:NAME_to_day` (its business days, [from, to)).
   */
  z.strictObject({ type: z.literal('period'), default: z.string().optional() }),
  z.strictObject({
    type: z.literal('integer'),
    min: z.number().int().default(0),
    max: z.number().int().default(1_000_000),
    default: z.number().int().optional(),
  }),
  z.strictObject({
    type: z.literal('text'),
    max: z.number().int().min(1).max(200).default(100),
    default: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('choice'),
    choices: z.array(z.string().min(1)).min(1),
    default: z.string().optional(),
  }),
]);

export const reportSchema = z
  .strictObject({
    name,
    description: z.string().min(1).max(200),
    /** One SELECT; parameters as `:name`, always bound, never pasted in. Per engine when their SQL differs. */
    sql: z.union([statement, z.strictObject({ sqlite: statement, mysql: statement })]),
    params: z.record(paramName, param).default({}),
    roles: z.array(z.enum(['exec', 'accounting', 'clerk', 'engineer'])).min(1),
    /** Billing-like figures: posted only to a channel that passes the billing guard. */
    sensitive: z.boolean().default(false),
    output: z.enum(['table', 'figure', 'chart']).default('table'),
    /** For `output: chart`: which columns the vega-lite chart draws; the table is shown beside it. */
    chart: z
      .strictObject({
        mark: z.enum(['bar', 'line', 'area', 'point']).default('bar'),
        x: z.string().min(1),
        /** A number column. */
        y: z.string().min(1),
        /** A column whose values split the marks into coloured series (stacked bars, one line each). */
        color: z.string().min(1).optional(),
        x_type: z.enum(['ordinal', 'temporal', 'nominal', 'quantitative']).default('ordinal'),
      })
      .optional(),
    /** Run on a cron (node-cron's six fields) and post to a channel, with these arguments. */
    schedule: z
      .strictObject({
        cron: z.string().superRefine((value, ctx) => {
          const problem = cronProblem(value);
          if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
        }),
        channel: z
          .string()
          .regex(/^[CG][A-Z0-9]{2,}$/, 'a channel id like C0123ABCD')
          .optional(),
        args: z.string().default(''),
      })
      .optional(),
    /** An alert, not a post: when the query returns rows, the on-call alert opens; when none, it recovers. */
    alert: z.boolean().default(false),
  })
  .superRefine((report, ctx) => {
    if (report.schedule && !report.alert && !report.schedule.channel)
      ctx.addIssue({ code: 'custom', path: ['schedule', 'channel'], message: 'a scheduled report posts to a channel' });
    if (report.output === 'chart' && !report.chart)
      ctx.addIssue({ code: 'custom', path: ['chart'], message: 'a chart report names its x and y columns' });
    if (report.alert && !report.schedule)
      ctx.addIssue({ code: 'custom', path: ['alert'], message: 'an alert report needs a schedule' });
    const declared = new Set(
      Object.entries(report.params).flatMap(([key, p]) =>
        p.type === 'period' ? [`${key}_from`, `${key}_to`, `${key}_from_day`, `${key}_to_day`] : [key],
      ),
    );
    const texts = typeof report.sql === 'string' ? [report.sql] : [report.sql.sqlite, report.sql.mysql];
    for (const [, used] of texts.join('\n').matchAll(/(?<![:\w]):([a-z][a-z0-9_]*)/g))
      if (!declared.has(used ?? ''))
        ctx.addIssue({ code: 'custom', path: ['sql'], message: `:${used} is not a declared parameter` });
  });

export type Report = z.infer<typeof reportSchema>;
export type ReportParam = Report['params'][string];
