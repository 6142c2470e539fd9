import { randomUUID } from 'node:crypto';
import type { TicketEventSink } from '../tickets/service.js';
import { canonicalFromPath } from '../regions/codes.js';

export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.status_changed', 'ticket.closed', 'ticket.rated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export type TicketChange = Parameters<TicketEventSink['ticketChanged']>[1];

/** Which events one ticket change raises (a change may raise several, e.g. rated and closed). */
export function eventsOf(change: TicketChange): WebhookEvent[] {
  const { ticket, before, actions } = change;
  const out: WebhookEvent[] = [];
  if (!before) out.push('ticket.created');
  else if (before.status !== ticket.status) out.push('ticket.status_changed');
  if (ticket.status === 'closed' && before?.status !== 'closed') out.push('ticket.closed');
  if (actions.includes('rate')) out.push('ticket.rated');
  return out;
}

export function newEventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`;
}

/**
 * The JSON body of an event. It names the ticket and its state, never the reporter (name and
 * phone stay in Gridwork); receivers that need more read the ticket through the API.
 */
export function eventBody(id: string, type: WebhookEvent, change: TicketChange): string {
  const { ticket: t, before } = change;
  return JSON.stringify({
    id,
    type,
    createdAt: change.at.toISOString(),
    data: {
      ticket: {
        id: t.id,
        no: t.no,
        channel: t.channel,
        externalId: t.externalId,
        type: t.type,
        categoryCode: t.categoryCode,
        title: t.title,
        status: t.status,
        previousStatus: before?.status ?? null,
        regionCode: t.regionCode,
        unit: t.tier && t.assigneeName ? { tier: t.tier, name: t.assigneeName, regionCode: t.assigneePath ? canonicalFromPath(t.assigneePath) : null } : null,
        resolveDueAt: t.resolveDueAt?.toISOString() ?? null,
        reply: t.status === 'refused' ? t.refuseReason : t.handleNote,
        rating: t.rating,
        ratingNote: t.ratingNote,
        closedAt: t.closedAt?.toISOString() ?? null,
        updatedAt: t.updatedAt.toISOString(),
        version: t.version,
      },
      actions: change.actions,
      note: change.note,
    },
  });
}
