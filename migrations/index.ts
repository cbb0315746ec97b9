import type { Knex } from 'knex';
import * as businessSchema from './0001_business_schema.js';
import * as bantoAudit from './0002_banto_audit.js';
import * as jobRunsAndAlerts from './0003_banto_job_runs_and_alerts.js';
import * as paymentsBySubscription from './0004_payments_by_subscription.js';
import * as providerTotals from './0005_banto_provider_totals.js';
import * as mail from './0006_banto_mail.js';
import * as jobEffects from './0007_banto_job_effects.js';
import * as sync from './0008_banto_sync.js';
import * as providerEvents from './0009_banto_provider_events.js';
import * as devRefresh from './0010_banto_dev_refresh.js';
import * as helpRequests from './0011_banto_help_requests.js';
import * as helpRequestProgress from './0012_banto_help_request_progress.js';
import * as homeViews from './0013_banto_home_views.js';
import * as paymentDays from './0014_banto_payment_days.js';
import * as paymentToday from './0015_banto_payment_today.js';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

// Listed here rather than discovered on disk, so migrations work the same under
// tsx, in tests and from the CLI. Append only; never rename a shipped one.
const migrations: Record<string, Migration> = {
  '0001_business_schema': businessSchema,
  '0002_banto_audit': bantoAudit,
  '0003_banto_job_runs_and_alerts': jobRunsAndAlerts,
  '0004_payments_by_subscription': paymentsBySubscription,
  '0005_banto_provider_totals': providerTotals,
  '0006_banto_mail': mail,
  '0007_banto_job_effects': jobEffects,
  '0008_banto_sync': sync,
  '0009_banto_provider_events': providerEvents,
  '0010_banto_dev_refresh': devRefresh,
  '0011_banto_help_requests': helpRequests,
  '0012_banto_help_request_progress': helpRequestProgress,
  '0013_banto_home_views': homeViews,
  '0014_banto_payment_days': paymentDays,
  '0015_banto_payment_today': paymentToday,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'banto_migrations',
};
