import { createRequire } from 'node:module';

/**
 * The working-day calendar: weekends are off, except the make-up working days (调休) the State
 * Council announces; public holidays are off. Data comes from the maintained `chinese-days`
 * package; a city may override single days (e.g. a local holiday, or an emergency workday).
 * Dates are civil dates in China (Asia/Shanghai, UTC+8 all year, no daylight saving).
 */
const require = createRequire(import.meta.url);

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export type DayOverride = { date: string; work: boolean; note?: string };

const CHINA_OFFSET_MS = 8 * 3600_000;

/** YYYY-MM-DD of an instant in China. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China civil date ends (24:00 China time = next day 00:00). */
export function endOfChinaDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS + 86_400_000);
}

function nextDate(date: string, delta = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + delta * 86_400_000).toISOString().slice(0, 10);
}

export class WorkCalendar {
  private readonly holidays: Set<string>;
  private readonly makeUpDays: Set<string>;
  private readonly overrides = new Map<string, boolean>();
  readonly coveredYears: { from: number; to: number };

  constructor(overrides: DayOverride[] = [], data?: PackageData) {
    const d = data ?? (require('chinese-days/dist/chinese-days.json') as PackageData);
    this.holidays = new Set(Object.keys(d.holidays));
    this.makeUpDays = new Set(Object.keys(d.workdays));
    for (const o of overrides) this.overrides.set(o.date, o.work);
    const years = Object.keys(d.holidays).map((k) => Number(k.slice(0, 4)));
    this.coveredYears = { from: Math.min(...years), to: Math.max(...years) };
  }

  isWorkday(date: string): boolean {
    const o = this.overrides.get(date);
    if (o !== undefined) return o;
    if (this.holidays.has(date)) return false;
    if (this.makeUpDays.has(date)) return true;
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /** The n-th working day after `date` (n ≥ 1); n = 0 gives `date` itself. */
  addWorkdays(date: string, n: number): string {
    let d = date;
    for (let left = n; left > 0; ) {
      d = nextDate(d);
      if (this.isWorkday(d)) left--;
    }
    return d;
  }

  /**
   * Deadline of a limit of `days` working days starting at `from`: the end (24:00 China time)
   * of the `days`-th working day after the day it started. "答复 within 3 working days" of a
   * ticket accepted on the eve of National Day therefore ends after the holiday week.
   */
  dueAfterWorkdays(from: Date, days: number): Date {
    return endOfChinaDay(this.addWorkdays(chinaDate(from), days));
  }

  /** The public holidays and the make-up working days (调休上班) of a year, from the package. */
  yearDays(year: number): { holidays: string[]; makeUpWorkdays: string[]; covered: boolean } {
    const inYear = (set: Set<string>) => [...set].filter((d) => d.startsWith(`${year}-`)).sort();
    return { holidays: inYear(this.holidays), makeUpWorkdays: inYear(this.makeUpDays), covered: year >= this.coveredYears.from && year <= this.coveredYears.to };
  }

  /** Working days between two dates (exclusive of `from`, inclusive of `to`). */
  workdaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = nextDate(from); d <= to; d = nextDate(d)) if (this.isWorkday(d)) n++;
    return n;
  }
}
