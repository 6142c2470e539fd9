import { describe, expect, it } from 'vitest';
import { WorkCalendar, chinaDate, endOfChinaDay } from './index.js';

const cal = new WorkCalendar();

describe('the working-day calendar', () => {
  it('knows the 2026 National Day week and its make-up working days', () => {
    for (const d of ['2026-10-01', '2026-10-04', '2026-10-07']) expect(cal.isWorkday(d)).toBe(false);
    expect(cal.isWorkday('2026-10-08')).toBe(true);
    // Make-up working days fall on a Sunday and a Saturday.
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false);
    expect(cal.coveredYears.to).toBeGreaterThanOrEqual(2026);
  });

  it('counts three working days across the holiday', () => {
    // Accepted Wednesday 30 September: 8 Oct, 9 Oct, 10 Oct (make-up Saturday).
    expect(cal.addWorkdays('2026-09-30', 3)).toBe('2026-10-10');
    expect(cal.workdaysBetween('2026-09-30', '2026-10-10')).toBe(3);
    // Accepted at 23:30 China time on 30 Sep (15:30 UTC): due at the end of 10 Oct China time.
    const due = cal.dueAfterWorkdays(new Date('2026-09-30T15:30:00Z'), 3);
    expect(due.toISOString()).toBe('2026-10-10T16:00:00.000Z');
  });

  it('uses China civil dates, not UTC', () => {
    // 1 Oct 01:00 China time is still 30 Sep in UTC.
    expect(chinaDate(new Date('2026-09-30T17:00:00Z'))).toBe('2026-10-01');
    expect(endOfChinaDay('2026-10-01').toISOString()).toBe('2026-10-01T16:00:00.000Z');
  });

  it('lets the city override a day', () => {
    const local = new WorkCalendar([
      { date: '2026-10-12', work: false, note: '地方性假日' },
      { date: '2026-10-03', work: true, note: '防汛应急' },
    ]);
    expect(local.isWorkday('2026-10-12')).toBe(false);
    expect(local.isWorkday('2026-10-03')).toBe(true);
    expect(local.addWorkdays('2026-10-09', 2)).toBe('2026-10-13');
  });
});
