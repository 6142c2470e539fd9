import { useState } from 'react';
import { Button, Dialog, List, Popup, Stepper, TextArea, Toast } from 'antd-mobile';
import { useAuth } from '../../shared/auth';
import { useI18n, type MessageKey } from '../../shared/i18n';
import { DANGER_ACTIONS, PRIMARY_ACTIONS, ticketLabels, type ActionBody, type Rating, type TicketAction, type TicketDetailDto } from '../../shared/tickets';
import { act, dropInput, keepInput, loadInput, type KeptInput } from '../lib/act';
import type { DraftPhoto } from '../lib/outbox';
import { PhotoUploader } from './PhotoUploader';
import { TestId } from './TestId';

type Spec =
  | { kind: 'direct' | 'confirm'; body?: ActionBody; hint?: MessageKey }
  | { kind: 'sheet'; note: 'required' | 'optional'; days?: boolean; photos?: boolean }
  | { kind: 'rate' };

/** How each step is taken on a phone. Steps not listed (改派、并单、提级包案) need pickers: desktop only. */
const SPEC: Partial<Record<TicketAction, Spec>> = {
  accept: { kind: 'confirm', body: { dispatch: true }, hint: 'm.action.acceptHint' },
  start: { kind: 'direct' },
  handle: { kind: 'sheet', note: 'required', photos: true },
  verify: { kind: 'confirm' },
  rate: { kind: 'rate' },
  dispatch: { kind: 'confirm' },
  close: { kind: 'confirm' },
  approve_extension: { kind: 'confirm' },
  reject_verification: { kind: 'sheet', note: 'required' },
  request_extension: { kind: 'sheet', note: 'required', days: true },
  escalate: { kind: 'sheet', note: 'optional' },
  return: { kind: 'sheet', note: 'required' },
  refuse: { kind: 'sheet', note: 'required' },
  reject_extension: { kind: 'sheet', note: 'required' },
  supervise: { kind: 'sheet', note: 'optional' },
};

const ORDER: TicketAction[] = [
  'accept',
  'start',
  'handle',
  'verify',
  'rate',
  'dispatch',
  'close',
  'approve_extension',
  'reject_verification',
  'request_extension',
  'escalate',
  'return',
  'reject_extension',
  'refuse',
  'supervise',
];

const RATING_ORDER: Rating[] = ['satisfied', 'basic', 'unsatisfied'];

interface Props {
  ticket: TicketDetailDto;
  onChanged: (t: TicketDetailDto) => void;
  /** Reload after a stale version. */
  onStale: () => void;
}

/** The big buttons at the bottom of a ticket, from the server's `actions`, and the sheets behind them. */
export function TicketActions({ ticket, onChanged, onStale }: Props) {
  const { t, tx } = useI18n();
  const { user } = useAuth();
  const uid = user!.id;
  const labels = ticketLabels(tx);
  const [open, setOpen] = useState<TicketAction | null>(null);
  const [busy, setBusy] = useState<TicketAction | null>(null);
  const [input, setInput] = useState<KeptInput>({});
  const [uploading, setUploading] = useState(false);
  const [failedUploads, setFailedUploads] = useState(0);

  const label = (a: TicketAction) => tx(`m.action.${a}`, labels.action(a));
  const words = { network: t('m.action.network'), retry: t('common.retry'), later: t('common.cancel'), stale: t('m.action.stale') };
  const shown = ORDER.filter((a) => ticket.actions.includes(a) && SPEC[a]);
  const desktopOnly = ticket.actions.filter((a) => !SPEC[a]);

  const run = async (a: TicketAction, body: ActionBody): Promise<boolean> => {
    setBusy(a);
    try {
      const r = await act(ticket.id, a, { ...body, version: ticket.version }, words);
      if (r.ok) {
        dropInput(uid, ticket.id, a);
        onChanged(r.ticket);
        Toast.show({ icon: 'success', content: a === 'rate' ? t('m.rate.thanks') : t('m.action.done', { action: label(a) }) });
        return true;
      }
      if (r.stale) onStale();
      return false;
    } finally {
      setBusy(null);
    }
  };

  const press = async (a: TicketAction) => {
    const spec = SPEC[a]!;
    if (spec.kind === 'direct') {
      await run(a, spec.body ?? {});
    } else if (spec.kind === 'confirm') {
      const ok = await Dialog.confirm({
        title: t('m.action.confirmTitle', { action: label(a) }),
        content: spec.hint ? t(spec.hint) : undefined,
        confirmText: label(a),
      });
      if (ok) await run(a, spec.body ?? {});
    } else {
      const kept = loadInput(uid, ticket.id, a);
      setInput(spec.kind === 'sheet' && spec.days && kept.days == null ? { ...kept, days: 3 } : kept);
      setOpen(a);
    }
  };

  const change = (v: KeptInput) => {
    setInput(v);
    if (open) keepInput(uid, ticket.id, open, v);
  };

  const submitSheet = async () => {
    if (!open) return;
    const spec = SPEC[open]!;
    if (spec.kind === 'rate') {
      if (!input.rating) return Toast.show(t('m.rate.pick'));
      const note = input.note?.trim();
      if (await run('rate', { rating: input.rating as Rating, ...(note ? { note } : {}) })) setOpen(null);
      return;
    }
    if (spec.kind !== 'sheet') return;
    const note = input.note?.trim() ?? '';
    if (spec.note === 'required' && !note) return Toast.show({ icon: 'fail', content: t('m.action.noteRequired') });
    if (uploading) return Toast.show(t('m.report.waitUploads'));
    if (failedUploads) return Toast.show({ icon: 'fail', content: t('m.report.uploadsFailed', { n: failedUploads }) });
    if (spec.photos && !input.photos?.length && !(await Dialog.confirm({ content: t('m.action.photosWanted') }))) return;
    const body: ActionBody = {};
    if (note) body.note = note;
    if (spec.days) body.days = input.days ?? 3;
    if (spec.photos && input.photos?.length) body.photos = input.photos.map((p) => p.id);
    if (await run(open, body)) setOpen(null);
  };

  if (!shown.length && !desktopOnly.length) return null;
  const primary = shown.filter((a) => PRIMARY_ACTIONS.has(a));
  const secondary = shown.filter((a) => !PRIMARY_ACTIONS.has(a));
  const spec = open ? SPEC[open] : undefined;
  // Up to three buttons share one row (the main step widest); more go on two rows.
  const oneRow = shown.length <= 3;
  const rows = (oneRow ? [[...secondary, ...primary]] : [secondary, primary]).filter((r) => r.length);

  return (
    <>
      <div className="m-action-bar" data-testid="action-bar">
        {desktopOnly.length > 0 && <div className="m-small m-muted">{t('m.detail.desktopOnly', { actions: desktopOnly.map(label).join('、') })}</div>}
        {rows.map((row, i) => (
          <div className="m-action-row" key={i}>
            {row.map((a) => {
              const main = PRIMARY_ACTIONS.has(a);
              return (
                <Button
                  key={a}
                  size={main || oneRow ? 'large' : 'middle'}
                  color={main ? 'primary' : DANGER_ACTIONS.has(a) ? 'danger' : 'default'}
                  fill={main ? 'solid' : 'outline'}
                  className={main ? 'm-action-main' : undefined}
                  loading={busy === a}
                  disabled={!!busy && busy !== a}
                  onClick={() => void press(a)}
                  data-testid={`action-${a}`}
                >
                  {label(a)}
                </Button>
              );
            })}
          </div>
        ))}
      </div>

      <Popup visible={!!open} onMaskClick={() => setOpen(null)} onClose={() => setOpen(null)} bodyClassName="m-sheet" destroyOnClose>
        {open && spec?.kind === 'rate' && (
          <div data-testid="rate-sheet">
            <div className="m-popup-title">{t('m.rate.title')}</div>
            <div className="m-sheet-hint">{t('m.rate.ask')}</div>
            <div className="m-rate-options">
              {RATING_ORDER.map((r) => (
                <Button
                  key={r}
                  size="large"
                  color={input.rating === r ? (r === 'unsatisfied' ? 'danger' : 'primary') : 'default'}
                  fill={input.rating === r ? 'solid' : 'outline'}
                  onClick={() => change({ ...input, rating: r })}
                  data-testid={`rate-${r}`}
                >
                  {t(`m.rate.${r}`)}
                </Button>
              ))}
            </div>
            {input.rating === 'unsatisfied' && <div className="m-sheet-hint m-warn-text">{t('m.rate.unsatisfiedHint')}</div>}
            <List>
              <List.Item>
                <TestId id="rate-note">
                  <TextArea value={input.note ?? ''} onChange={(note) => change({ ...input, note })} placeholder={t('m.rate.note')} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} />
                </TestId>
              </List.Item>
            </List>
            <div className="m-sheet-foot">
              <Button block color="primary" size="large" loading={busy === 'rate'} onClick={() => void submitSheet()} data-testid="rate-submit">
                {t('m.rate.submit')}
              </Button>
            </div>
          </div>
        )}
        {open && spec?.kind === 'sheet' && (
          <div data-testid="action-sheet" data-action={open}>
            <div className="m-popup-title">{label(open)}</div>
            <List>
              {spec.days && (
                <List.Item
                  extra={<Stepper min={1} max={60} digits={0} value={input.days ?? 3} onChange={(days) => change({ ...input, days: days ?? 3 })} data-testid="action-days" />}
                >
                  {t('m.action.days')}
                </List.Item>
              )}
              <List.Item>
                <TestId id="action-note">
                  <TextArea
                    value={input.note ?? ''}
                    onChange={(note) => change({ ...input, note })}
                    placeholder={spec.note === 'required' ? tx(`m.action.note.${open}`, t('m.action.noteRequired')) : tx(`m.action.note.${open}`, t('m.action.note.optional'))}
                    autoSize={{ minRows: 3, maxRows: 8 }}
                    maxLength={2000}
                  />
                </TestId>
              </List.Item>
              {spec.photos && (
                <List.Item description={t('m.action.photosHint')}>
                  <div className="m-small m-muted">{t('m.action.photos')}</div>
                  <PhotoUploader
                    value={(input.photos ?? []) as DraftPhoto[]}
                    onChange={(photos) => change({ ...input, photos })}
                    onBusyChange={setUploading}
                    onFailedChange={setFailedUploads}
                    testId="action-photo-input"
                  />
                </List.Item>
              )}
            </List>
            <div className="m-sheet-foot">
              <Button block onClick={() => setOpen(null)}>
                {t('common.cancel')}
              </Button>
              <Button
                block
                color={DANGER_ACTIONS.has(open) ? 'danger' : 'primary'}
                loading={busy === open}
                onClick={() => void submitSheet()}
                data-testid="action-submit"
              >
                {label(open)}
              </Button>
            </div>
          </div>
        )}
      </Popup>
    </>
  );
}
