import type { Knex } from 'knex';
import type { BillingSchema } from '../../config.js';
import type { OutboxMail } from '../mail/outbox.js';
import type { PaymentDayRule } from '../payments/business-days.js';
import { readCustomerRecord, type CustomerRecord } from './record.js';
import { findCustomerById, searchCustomers } from './search.js';

export type { CustomerRecord } from './record.js';
export { findCustomerReference, type CustomerMatch, type CustomerSearch } from './search.js';

export interface CustomerServiceDeps {
  db: Knex;
  schema: BillingSchema;
  paymentDayRule: PaymentDayRule;
  zone: string;
  /** The mail service's list of what a customer was sent (newest first). */
  recentMail(who: { userId: string; email: string }, limit: number): Promise<OutboxMail[]>;
}

/** Customer lookup for the help desk: find a customer, then read that one customer's own records. */
export function createCustomerService({ db, schema, paymentDayRule, zone, recentMail }: CustomerServiceDeps) {
  return {
    search: (query: string) => searchCustomers(db, query),
    find: (userId: string) => findCustomerById(db, userId),
    /** The customer's records and the last 10 mails sent to them; undefined for an id that is no customer. */
    async lookup(userId: string): Promise<{ record: CustomerRecord; mails: OutboxMail[] } | undefined> {
      const record = await readCustomerRecord({ db, schema, rule: paymentDayRule, zone }, userId);
      return record && { record, mails: await recentMail({ userId: record.id, email: record.email }, 10) };
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
