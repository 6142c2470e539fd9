import type { Actor } from '../../platform/scope/index.js';
import { canonicalFromPath } from '../regions/codes.js';
import type { TicketRow } from './repo.js';
import { dueState } from './deadlines.js';
import { availableActions, unitKey, type Status, type Tier } from './workflow.js';
import type { Channel, Rating, TicketDto, TicketType } from './contracts.js';
import { relationsOf } from './access.js';
import { NOT_FOR_GRID_WORKERS } from './transition.js';

/** A ticket as one actor sees it: the reporter hidden when anonymous, the actions they may take now. */
export function ticketDto(actor: Actor | null, t: TicketRow, names: Map<string, string>, cats: Map<string, string>, now: Date): TicketDto {
    const relations = relationsOf(actor, t);
  const hideReporter = t.anonymous && !relations.has('reporter');
  let actions = availableActions(t.status as Status, relations).filter((a) => a !== 'close' || relations.has('dispatcher'));
  if (actor?.role === 'grid_worker') actions = actions.filter((a) => !NOT_FOR_GRID_WORKERS.includes(a));
  if (t.pausedAt) actions = actions.filter((a) => a !== 'request_extension');
  else actions = actions.filter((a) => a !== 'approve_extension' && a !== 'reject_extension');
  if (t.tier === 'district') actions = actions.filter((a) => a !== 'escalate');
  return {
    id: t.id,
    no: t.no,
    channel: t.channel as Channel,
    type: t.type as TicketType,
    categoryCode: t.categoryCode,
    categoryName: cats.get(t.categoryCode) ?? t.categoryCode,
    status: t.status as Status,
    priority: t.priority,
    title: t.title,
    description: t.description,
    lng: t.lng,
    lat: t.lat,
    address: t.address,
    buildingId: t.buildingId,
    regionCode: t.regionCode,
    regionName: names.get(t.regionPath) ?? t.regionCode,
    reporterName: hideReporter ? null : t.reporterName,
    reporterPhone: hideReporter ? null : t.reporterPhoneMasked,
    anonymous: t.anonymous,
    mine: relations.has('reporter'),
    personId: actor?.role === 'resident' ? null : t.personId,
    householdId: actor?.role === 'resident' ? null : t.householdId,
    externalId: t.externalId,
    assignee: t.tier && t.assigneePath ? { key: unitKey(t.tier as Tier, t.assigneePath, t.assigneeDept), tier: t.tier as Tier, name: t.assigneeName ?? '', regionCode: canonicalFromPath(t.assigneePath) } : null,
    leaderName: t.leaderName,
    respondDueAt: t.respondDueAt?.toISOString() ?? null,
    resolveDueAt: t.resolveDueAt?.toISOString() ?? null,
    dueState: dueState(t as never, now),
    extensionRequestedDays: t.pausedAt ? t.extensionDays : null,
    acceptedAt: t.acceptedAt?.toISOString() ?? null,
    dispatchedAt: t.dispatchedAt?.toISOString() ?? null,
    respondedAt: t.respondedAt?.toISOString() ?? null,
    handledAt: t.handledAt?.toISOString() ?? null,
    verifiedAt: t.verifiedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    rating: (t.rating as Rating | null) ?? null,
    ratingNote: t.ratingNote,
    reopenCount: t.reopenCount,
    supervisedCount: t.supervisedCount,
    escalations: t.escalations,
    respondOverdue: t.respondOverdue,
    resolveOverdue: t.resolveOverdue,
    mergedIntoId: t.mergedIntoId,
    photos: t.photos,
    handlePhotos: t.handlePhotos,
    handleNote: t.handleNote,
    refuseReason: t.refuseReason,
    version: t.version,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    actions,
  };
}
