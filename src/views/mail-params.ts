import type { DateTime } from 'luxon';
import type { DueReminder } from '../services/mail/reminders.js';
import { formatYen } from './format.js';
import type { Locale } from './messages.js';

/** Template parameters written for customers: dates, amounts and "when" in the message language. */
const wording = {
  ja: {
    when: (offset: number) => (offset === 0 ? '本日' : `${offset}営業日後`),
    paymentDay: (day: DateTime) => day.setLocale('ja').toFormat('yyyy年M月d日(EEE)'),
    since: (day: DateTime) => day.setLocale('ja').toFormat('M月d日'),
  },
  en: {
    when: (offset: number) => (offset === 0 ? 'today' : `in ${offset} business day${offset === 1 ? '' : 's'}`),
    paymentDay: (day: DateTime) => day.setLocale('en').toFormat('EEE d MMMM yyyy'),
    since: (day: DateTime) => day.setLocale('en').toFormat('d MMMM'),
  },
} satisfies Record<Locale, unknown>;

export function reminderParams(locale: Locale): (due: DueReminder) => Record<string, unknown> {
  const w = wording[locale];
  return (due) => ({
    name: due.name,
    plan: due.plan,
    amount: formatYen(due.amount),
    due_date: w.paymentDay(due.paymentDay),
    when: w.when(due.offset),
  });
}

export function digestSinceLabel(since: DateTime, locale: Locale): string {
  return wording[locale].since(since);
}
