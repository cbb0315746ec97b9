import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { JobRunner } from '../schedules/runner.js';
import type { ChannelGuard } from '../services/access/channel-guard.js';
import type { RoleResolver } from '../services/access/roles.js';
import type { AuditLog, AuditOutcome } from '../services/audit/audit-log.js';
import type { CustomerService } from '../services/customers/index.js';
import type { HomeService } from '../services/home/index.js';
import type { HomeViews } from '../services/home/views.js';
import type { ReportService } from '../services/reports/index.js';
import type { RequestService } from '../services/requests/index.js';
import type { MailService } from '../services/mail/index.js';
import type { PaymentsService } from '../services/payments/index.js';
import type { SyncService } from '../services/sync/index.js';
import type { Translator } from '../services/translate/index.js';
import type { Locale } from '../views/messages.js';

/** What listeners may use. Listeners stay thin: parse, one service call, render. */
export interface ListenerDeps {
  payments: PaymentsService;
  mail: MailService;
  jobs: JobRunner;
  sync: SyncService;
  translator: Translator;
  customers: CustomerService;
  requests: RequestService;
  home: HomeService;
  homeViews: HomeViews;
  reports: ReportService;
  billingChannel: string;
  checkBillingChannel: ChannelGuard;
  clock: Clock;
  locale: Locale;
  logger: Logger;
  roles: RoleResolver;
  audit: AuditLog;
  onRequestFinished?: (kind: string, outcome: AuditOutcome, latencyMs: number) => void;
}
