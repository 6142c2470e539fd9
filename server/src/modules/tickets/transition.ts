import { AppError, invalidField } from '../../platform/errors/index.js';
import type { Actor } from '../../platform/scope/index.js';
import { chinaDate, endOfChinaDay, type WorkCalendar } from '../../platform/calendar/index.js';
import { canonicalFromPath, parseRegionCode } from '../regions/codes.js';
import type { EventInsert, NoticeInsert, TicketRow } from './repo.js';
import type { DispatchTarget } from './catalogue.js';
import { dueAt, nextTimer, type Limit } from './deadlines.js';
import { TIER_LABEL, TIER_PATH_LENGTH, tierAbove, unitKey, type Status, type Tier, type TicketAction } from './workflow.js';
import type { ActionBody, Target } from './contracts.js';

/**
 * What one ticket transition does to the row, as pure functions: the service checks who may act,
 * loads what a step needs (`Prepared`) and persists the result; everything here only computes.
 */

/** Who does a transition: a person, or the platform itself (timers, exchanges). */
export type By = { actor: Actor; name: string } | { actor: null; name: string };
export const SYSTEM: By = { actor: null, name: '系统' };

/** Things a transition needs from outside the transaction (PGlite: no other queries inside). */
export interface Prepared {
  calendar: WorkCalendar;
  catalogueTarget: DispatchTarget;
  names: Map<string, string>;
  into?: TicketRow;
}

export interface StepResult {
  next: TicketRow;
  events: Omit<EventInsert, 'ticketId'>[];
  notices: Omit<NoticeInsert, 'ticketId'>[];
}

/**
 * Dispatcher steps a grid worker does not take in their own grid: choosing another unit, merging,
 * and deciding on an extension (which they may have asked for themselves).
 */
export const NOT_FOR_GRID_WORKERS: readonly TicketAction[] = ['redispatch', 'merge', 'approve_extension', 'reject_extension'];

/** A new ticket's columns before anything has happened to it (the table's defaults). */
export const EMPTY_TICKET: Omit<TicketRow, 'id' | 'no' | 'channel' | 'type' | 'categoryCode' | 'status' | 'title' | 'description' | 'regionCode' | 'regionPath' | 'createdAt' | 'updatedAt'> = {
  priority: 'normal',
  lng: null,
  lat: null,
  address: null,
  buildingId: null,
  reporterUserId: null,
  reporterName: null,
  reporterPhoneEnc: null,
  reporterPhoneMasked: null,
  anonymous: false,
  personId: null,
  householdId: null,
  externalId: null,
  tier: null,
  assigneePath: null,
  assigneeDept: null,
  assigneeName: null,
  leaderName: null,
  respondDueAt: null,
  resolveDueAt: null,
  pausedAt: null,
  extensionDays: null,
  acceptedAt: null,
  dispatchedAt: null,
  respondedAt: null,
  handledAt: null,
  verifiedAt: null,
  closedAt: null,
  rating: null,
  ratingNote: null,
  reopenCount: 0,
  supervisedCount: 0,
  escalations: 0,
  respondOverdue: false,
  resolveOverdue: false,
  warned: [],
  timerAt: null,
  timerKind: null,
  mergedIntoId: null,
  photos: [],
  handlePhotos: [],
  handleNote: null,
  refuseReason: null,
  version: 0,
};

/** Timeline notes of steps a request chains by itself. */
export const FOLLOW_UP_NOTE: Partial<Record<TicketAction, string>> = { verify: '网格员自办，自动核查', dispatch: '按派单目录派单', escalate: '系统自动提级' };

const needNote = (field = 'note') => invalidField(field, 'required', { zh: '请填写说明', en: 'a note is required' });

export function unitName(tier: Tier, path: string, dept: string | null, names: Map<string, string>): string {
  if (tier === 'department') return `${names.get(path) ?? ''}${dept ?? ''}`;
  return names.get(path) ?? `${TIER_LABEL[tier].zh} ${canonicalFromPath(path)}`;
}

/** The steps one request performs: some actions chain to save a tap (受理并派单, 自办自核). */
export function planSteps(actor: Actor | null, t: TicketRow, action: TicketAction, input: ActionBody): TicketAction[] {
  if (action === 'accept' && input.dispatch) return ['accept', 'dispatch'];
  // The grid's own worker handled a grid matter: their check is the verification (自办自核).
  if (action === 'handle' && actor?.role === 'grid_worker' && t.tier === 'grid') return ['handle', 'verify'];
  return [action];
}

export function validateActionInput(action: TicketAction, b: ActionBody, actor: Actor): void {
  const note = b.note?.trim();
  switch (action) {
    case 'refuse':
    case 'return':
    case 'reject_verification':
    case 'reject_extension':
      if (!note) throw needNote();
      break;
    case 'handle':
      if (!note) throw invalidField('note', 'required', { zh: '请填写处置情况', en: 'describe what was done' });
      break;
    case 'redispatch':
      if (!b.target) throw invalidField('target', 'required', { zh: '请选择改派的单位', en: 'pick the new unit' });
      break;
    case 'dispatch':
      if (b.target && actor.role === 'grid_worker') throw invalidField('target', 'not_allowed', { zh: '网格员按派单目录派单，不能指定单位', en: 'grid workers dispatch by the catalogue only' });
      break;
    case 'rate':
      if (!b.rating) throw invalidField('rating', 'required', { zh: '请选择满意程度', en: 'choose a rating' });
      break;
    case 'request_extension':
      if (!b.days) throw invalidField('days', 'required', { zh: '请填写延期的工作日数', en: 'how many working days' });
      if (!note) throw needNote();
      break;
    case 'merge':
      if (!b.intoId) throw invalidField('intoId', 'required', { zh: '请选择并入的主工单', en: 'pick the ticket to merge into' });
      break;
    case 'assign_leader':
      if (!b.leaderName?.trim()) throw invalidField('leaderName', 'required', { zh: '请填写包案领导', en: 'name the leader' });
      break;
    default:
  }
  if (b.target?.tier === 'department' && !b.target.unitName) throw invalidField('target.unitName', 'required', { zh: '请填写职能部门', en: 'name the department' });
}

export function targetPathFor(t: TicketRow, target: Target): string {
  if (!target.regionCode) return target.tier === 'department' ? t.regionPath.slice(0, 6) : t.regionPath.slice(0, TIER_PATH_LENGTH[target.tier]);
  const r = parseRegionCode(target.regionCode);
  if (!r) throw invalidField('target.regionCode', 'format', { zh: '区划代码格式不正确', en: 'malformed region code' });
  if (!t.regionPath.startsWith(r.path)) throw invalidField('target.regionCode', 'outside', { zh: '处置单位须管辖该问题所在地', en: 'the unit must cover the place' });
  if (target.tier !== 'department' && r.path.length !== TIER_PATH_LENGTH[target.tier]) throw invalidField('target.regionCode', 'level', { zh: '区划层级与处置层级不符', en: 'the region does not match the tier' });
  return r.path;
}

/** Recompute the durable timer from the ticket's state. */
export function withTimer(t: TicketRow): Pick<TicketRow, 'timerAt' | 'timerKind'> {
  const next = nextTimer(t as never);
  return { timerAt: next?.at ?? null, timerKind: next?.kind ?? null };
}

export function assignTo(tier: Tier, path: string, dept: string | null, names: Map<string, string>): Partial<TicketRow> {
  return { tier, assigneePath: path, assigneeDept: tier === 'department' ? dept : null, assigneeName: unitName(tier, path, dept, names) };
}

export function deadlinesFrom(pre: Prepared, from: Date): Pick<TicketRow, 'respondDueAt' | 'resolveDueAt' | 'warned' | 'respondOverdue' | 'resolveOverdue'> {
  const respond: Limit | null = pre.catalogueTarget.respond;
  const resolve: Limit = pre.catalogueTarget.resolve;
  return {
    respondDueAt: respond ? dueAt(pre.calendar, from, respond) : null,
    resolveDueAt: dueAt(pre.calendar, from, resolve),
    warned: [],
    respondOverdue: false,
    resolveOverdue: false,
  };
}

/**
 * One transition, pure: the next row, its timeline entries and notices. The caller has checked
 * that the action is legal for this actor in this state.
 */
export function step(t: TicketRow, action: TicketAction, by: By, b: ActionBody, at: Date, pre: Prepared): StepResult {
  const note = b.note?.trim() || null;
  const from = t.status as Status;
  let next: TicketRow = { ...t };
  const notices: StepResult['notices'] = [];
  const data: Record<string, unknown> = {};
  const unitOf = (x: TicketRow) => (x.tier && x.assigneePath ? unitKey(x.tier as Tier, x.assigneePath, x.assigneeDept) : null);
  const notify = (recipient: string | null, kind: string, message: string) => {
    if (recipient) notices.push({ recipient, kind, message, createdAt: at });
  };
  const dispatchTo = (tier: Tier, path: string, dept: string | null) => {
    next = { ...next, ...assignTo(tier, path, dept, pre.names), status: 'dispatched', dispatchedAt: at };
    if (!next.resolveDueAt) next = { ...next, ...deadlinesFrom(pre, at) };
    data.target = { tier, name: next.assigneeName };
    notify(unitOf(next), 'dispatched', `新派单 ${t.no}：${t.title}`);
  };
  const explicit = (target: Target) => {
    const path = targetPathFor(t, target);
    return { tier: target.tier as Tier, path, dept: target.tier === 'department' ? (target.unitName ?? null) : null };
  };

  switch (action) {
    case 'accept':
      next = { ...next, status: 'accepted', acceptedAt: at };
      break;
    case 'refuse':
      next = { ...next, status: 'refused', refuseReason: note, closedAt: at };
      break;
    case 'dispatch': {
      const d = b.target ? explicit(b.target) : pre.catalogueTarget;
      dispatchTo(d.tier, d.path, d.dept);
      break;
    }
    case 'redispatch': {
      const d = explicit(b.target!);
      if (d.tier === t.tier && d.path === t.assigneePath && d.dept === t.assigneeDept) throw invalidField('target', 'same', { zh: '改派单位与当前单位相同', en: 'that is the current unit' });
      dispatchTo(d.tier, d.path, d.dept);
      break;
    }
    case 'return':
      notify(`community:${t.regionPath.slice(0, 12)}`, 'returned', `${t.assigneeName ?? ''}退单 ${t.no}：${note}`);
      next = { ...next, status: 'accepted', tier: null, assigneePath: null, assigneeDept: null, assigneeName: null, pausedAt: null, extensionDays: null };
      break;
    case 'start':
      next = { ...next, status: 'in_progress', respondedAt: t.respondedAt ?? at };
      break;
    case 'handle':
      next = { ...next, status: 'handled', respondedAt: t.respondedAt ?? at, handledAt: at, handleNote: note, handlePhotos: b.photos ?? [] };
      data.photos = b.photos ?? [];
      notify(`grid:${t.regionPath.slice(0, 15)}`, 'to_verify', `待核查 ${t.no}：${t.title}`);
      break;
    case 'verify':
      if (t.reporterUserId && t.channel !== 'patrol') {
        next = { ...next, status: 'verified', verifiedAt: at };
        notify(`user:${t.reporterUserId}`, 'rate_request', `您反映的“${t.title}”已办结，请评价`);
      } else {
        // Nobody to rate it here (a patrol find, a hotline call rated through the hotline).
        next = { ...next, status: t.channel === 'hotline' || t.channel === 'open311' ? 'verified' : 'closed', verifiedAt: at, closedAt: t.channel === 'hotline' || t.channel === 'open311' ? null : at };
      }
      break;
    case 'reject_verification':
      next = { ...next, status: 'in_progress', handledAt: null };
      notify(unitOf(t), 'verify_failed', `核查未通过 ${t.no}：${note}`);
      break;
    case 'rate': {
      const rating = b.rating!;
      data.rating = rating;
      if (rating === 'unsatisfied' && t.reopenCount === 0) {
        // Unsatisfied once: back to the same unit, with a fresh clock.
        next = { ...next, ...deadlinesFrom(pre, at), status: 'dispatched', reopenCount: 1, rating: null, ratingNote: note, handledAt: null, verifiedAt: null, dispatchedAt: at, respondedAt: null };
        data.reopened = true;
        notify(unitOf(t), 'reopened', `群众不满意，重新办理 ${t.no}`);
      } else {
        next = { ...next, status: 'closed', rating, ratingNote: note, closedAt: at };
      }
      break;
    }
    case 'close':
      next = { ...next, status: 'closed', closedAt: at };
      break;
    case 'request_extension':
      if (t.pausedAt) throw new AppError('ticket.extension_pending');
      next = { ...next, pausedAt: at, extensionDays: b.days! };
      data.days = b.days;
      notify(`community:${t.regionPath.slice(0, 12)}`, 'extension_requested', `${t.assigneeName ?? ''}申请延期 ${b.days} 个工作日：${t.no}`);
      break;
    case 'approve_extension':
    case 'reject_extension': {
      if (!t.pausedAt) throw new AppError('ticket.no_extension_pending');
      const paused = at.getTime() - t.pausedAt.getTime();
      const shift = (d: Date | null) => (d ? new Date(d.getTime() + paused) : null);
      let resolveDueAt = shift(t.resolveDueAt);
      if (action === 'approve_extension' && resolveDueAt && t.extensionDays) {
        resolveDueAt = endOfChinaDay(pre.calendar.addWorkdays(chinaDate(resolveDueAt), t.extensionDays));
        data.days = t.extensionDays;
      }
      next = { ...next, pausedAt: null, extensionDays: null, respondDueAt: t.respondedAt ? t.respondDueAt : shift(t.respondDueAt), resolveDueAt, warned: t.warned.filter((w) => w !== 'resolve_warn') };
      data.resolveDueAt = resolveDueAt?.toISOString() ?? null;
      notify(unitOf(t), action === 'approve_extension' ? 'extension_approved' : 'extension_rejected', `${action === 'approve_extension' ? '延期已批准' : '延期被驳回'}：${t.no}`);
      break;
    }
    case 'merge':
      next = { ...next, status: 'merged', mergedIntoId: pre.into!.id, closedAt: at, pausedAt: null };
      data.intoId = pre.into!.id;
      break;
    case 'escalate': {
      const up = tierAbove((t.tier as Tier | null) ?? 'grid');
      if (!up) throw new AppError('ticket.cannot_escalate');
      const path = t.regionPath.slice(0, TIER_PATH_LENGTH[up]);
      next = { ...next, escalations: t.escalations + 1 };
      dispatchTo(up, path, null);
      notices.pop();
      notify(unitOf(next), 'escalated', `提级办理 ${t.no}：${t.title}${note ? `（${note}）` : ''}`);
      break;
    }
    case 'assign_leader':
      next = { ...next, leaderName: b.leaderName!.trim() };
      data.leaderName = next.leaderName;
      notify(unitOf(t), 'leader_assigned', `${next.leaderName}包案 ${t.no}`);
      break;
    case 'supervise':
      next = { ...next, supervisedCount: t.supervisedCount + 1 };
      notify(unitOf(t), 'supervised', `督办 ${t.no}：${note ?? '请抓紧办理'}`);
      break;
  }
  return {
    next,
    events: [{ at, actorUserId: by.actor?.id ?? null, actorName: by.name, action, fromStatus: from, toStatus: next.status, note, data: Object.keys(data).length ? data : null }],
    notices,
  };
}
