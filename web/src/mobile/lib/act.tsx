/**
 * Running a workflow step from the phone: the note typed for it is kept in localStorage until
 * the step succeeds (a dropped connection or a closed sheet does not lose it), a network failure
 * offers a retry, and a stale version reloads the ticket.
 */
import { Dialog, Toast } from 'antd-mobile';
import { ApiError, errorMessage } from '../../shared/api';
import { ticketsApi, type ActionBody, type TicketAction, type TicketDetailDto } from '../../shared/tickets';
import { isRetryable } from './http';
import { readJson, removeKey, writeJson } from './storage';

export interface KeptInput {
  note?: string;
  days?: number;
  photos?: { id: string; url: string }[];
  rating?: string;
}

const inputKey = (uid: number, ticketId: number, action: string) => `act.u${uid}.${ticketId}.${action}`;

export function loadInput(uid: number, ticketId: number, action: string): KeptInput {
  return readJson<KeptInput>(inputKey(uid, ticketId, action), {});
}

export function keepInput(uid: number, ticketId: number, action: string, v: KeptInput): void {
  const empty = !v.note?.trim() && !v.photos?.length && !v.rating && v.days == null;
  if (empty) removeKey(inputKey(uid, ticketId, action));
  else writeJson(inputKey(uid, ticketId, action), v);
}

export function dropInput(uid: number, ticketId: number, action: string): void {
  removeKey(inputKey(uid, ticketId, action));
}

export type ActOutcome = { ok: true; ticket: TicketDetailDto } | { ok: false; stale: boolean; retryable: boolean };

interface Words {
  network: string;
  retry: string;
  later: string;
  stale: string;
}

/** POST the action; on a network failure ask whether to retry (the caller keeps its input either way). */
export async function act(id: number, action: TicketAction, body: ActionBody, words: Words): Promise<ActOutcome> {
  for (;;) {
    try {
      return { ok: true, ticket: await ticketsApi.act(id, action, body) };
    } catch (err) {
      if (isRetryable(err)) {
        const again = await Dialog.confirm({ content: words.network, confirmText: words.retry, cancelText: words.later });
        if (again) continue;
        return { ok: false, stale: false, retryable: true };
      }
      if (err instanceof ApiError && err.code === 'ticket.stale') {
        Toast.show({ icon: 'fail', content: words.stale, duration: 3000 });
        return { ok: false, stale: true, retryable: false };
      }
      const fields = err instanceof ApiError ? (err.problem.errors ?? []).map((e) => e.message) : [];
      await Dialog.alert({ content: <div className="m-prewrap" data-testid="action-error">{[errorMessage(err), ...fields].join('\n')}</div> });
      return { ok: false, stale: false, retryable: false };
    }
  }
}
