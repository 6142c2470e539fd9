import type { WorkCalendar } from '../../platform/calendar/index.js';
import { RUNNING_STATUSES, type Status } from './workflow.js';
import type { DueState } from './contracts.js';

/** A limit as the catalogue writes it: n clock hours, or n working days. */
export interface Limit {
  value: number;
  unit: 'hour' | 'workday';
}

export function limitOf(value: number | null | undefined, unit: string | null | undefined): Limit | null {
  if (value == null || !unit) return null;
  return { value, unit: unit === 'workday' ? 'workday' : 'hour' };
}

const HOUR = 3600_000;

/** When a limit that starts at `from` runs out. Working days end at 24:00 China time. */
export function dueAt(calendar: WorkCalendar, from: Date, limit: Limit): Date {
  return limit.unit === 'hour' ? new Date(from.getTime() + limit.value * HOUR) : calendar.dueAfterWorkdays(from, limit.value);
}

/** Warn a quarter of the span before the deadline, at most a day before. */
export function warnAt(start: Date, due: Date): Date {
  const span = due.getTime() - start.getTime();
  return new Date(due.getTime() - Math.min(24 * HOUR, Math.max(0, span / 4)));
}

export type TimerKind = 'respond_warn' | 'respond_due' | 'resolve_warn' | 'resolve_due' | 'autoclose';

export interface TimerState {
  status: Status;
  pausedAt: Date | null;
  dispatchedAt: Date | null;
  respondedAt: Date | null;
  respondDueAt: Date | null;
  resolveDueAt: Date | null;
  respondOverdue: boolean;
  resolveOverdue: boolean;
  verifiedAt: Date | null;
  warned: string[];
}

/** Verified tickets nobody rates are closed after this long (rating is then left empty). */
export const AUTO_CLOSE_HOURS = 72;

/**
 * The next thing a durable timer must do for a ticket, or null. Each warning and each expiry
 * happens once: the flags it sets (warned, *Overdue) take it out of the next computation.
 */
export function nextTimer(t: TimerState): { at: Date; kind: TimerKind } | null {
  if (t.status === 'verified' && t.verifiedAt) return { at: new Date(t.verifiedAt.getTime() + AUTO_CLOSE_HOURS * HOUR), kind: 'autoclose' };
  if (!RUNNING_STATUSES.includes(t.status) || t.pausedAt) return null;
  const start = t.dispatchedAt ?? new Date(0);
  const candidates: { at: Date; kind: TimerKind }[] = [];
  if (t.respondDueAt && !t.respondedAt && !t.respondOverdue && t.status === 'dispatched') {
    candidates.push(t.warned.includes('respond_warn') ? { at: t.respondDueAt, kind: 'respond_due' } : { at: warnAt(start, t.respondDueAt), kind: 'respond_warn' });
  }
  if (t.resolveDueAt && !t.resolveOverdue) {
    candidates.push(t.warned.includes('resolve_warn') ? { at: t.resolveDueAt, kind: 'resolve_due' } : { at: warnAt(start, t.resolveDueAt), kind: 'resolve_warn' });
  }
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  return candidates[0] ?? null;
}

/** The colour a list shows for a ticket's clock. */
export function dueState(t: TimerState, now: Date): DueState {
  if (t.pausedAt && RUNNING_STATUSES.includes(t.status)) return 'paused';
  if (!RUNNING_STATUSES.includes(t.status)) return 'none';
  if (t.respondOverdue || t.resolveOverdue) return 'overdue';
  const dues = [t.status === 'dispatched' && !t.respondedAt ? t.respondDueAt : null, t.resolveDueAt].filter((d): d is Date => !!d);
  if (!dues.length) return 'none';
  const due = new Date(Math.min(...dues.map((d) => d.getTime())));
  if (due <= now) return 'overdue';
  return warnAt(t.dispatchedAt ?? now, due) <= now ? 'due_soon' : 'normal';
}
