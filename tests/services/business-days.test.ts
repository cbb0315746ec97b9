import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { isBusinessDay, nominalDatesChargedOn, shiftToBusinessDay } from '../../src/services/payments/business-days.js';

const d = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Tokyo' });
const iso = (dt: DateTime | undefined) => dt?.toISODate();

describe('Japanese business days', () => {
  it('knows weekends and national holidays', () => {
    assert.equal(isBusinessDay(d('2026-11-20')), true); // Friday
    assert.equal(isBusinessDay(d('2026-11-21')), false); // Saturday
    assert.equal(isBusinessDay(d('2026-11-23')), false); // 勤労感謝の日, a Monday
    assert.equal(isBusinessDay(d('2026-01-01')), false); // 元日
  });

  it('moves a payment day to the next or the previous business day', () => {
    assert.equal(iso(shiftToBusinessDay(d('2026-11-21'), 'next')), '2026-11-24'); // Sat → Tue (Mon is a holiday)
    assert.equal(iso(shiftToBusinessDay(d('2026-11-23'), 'previous')), '2026-11-20');
    assert.equal(iso(shiftToBusinessDay(d('2026-11-25'), 'next')), '2026-11-25');
  });

  it('says which nominal due dates a business day charges', () => {
    const next = nominalDatesChargedOn(d('2026-11-24'), 'next');
    assert.deepEqual([iso(next?.from), iso(next?.to)], ['2026-11-21', '2026-11-25']); // Sat, Sun, the Mon holiday and Tue
    const previous = nominalDatesChargedOn(d('2026-11-20'), 'previous');
    assert.deepEqual([iso(previous?.from), iso(previous?.to)], ['2026-11-20', '2026-11-24']);
    assert.equal(nominalDatesChargedOn(d('2026-11-22'), 'next'), undefined, 'nothing is charged on a Sunday');
  });
});
