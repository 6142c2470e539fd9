import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Dialog, Input, List, NavBar, Switch, TextArea, Toast } from 'antd-mobile';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { ticketsApi, type DuplicateDto } from '../../shared/tickets';
import { CategoryPicker } from '../components/CategoryPicker';
import { DuplicatesSheet } from '../components/DuplicatesSheet';
import { LocationField } from '../components/LocationField';
import { OutboxList } from '../components/OutboxList';
import { PhotoUploader } from '../components/PhotoUploader';
import { TestId } from '../components/TestId';
import { categoryName, useCategories } from '../lib/categories';
import {
  categoryUse,
  clearDraft,
  draftHasContent,
  emptyDraft,
  enqueue,
  loadDraft,
  saveDraft,
  sendQueued,
  takeForEditing,
  useOutbox,
  type QueuedReport,
  type ReportDraft,
} from '../lib/outbox';
import { isResident } from '../roles';

const DESCRIPTION_MAX = 4000;

/** Ask the server for similar matters nearby, but never let a slow answer hold up a report. */
async function nearbyDuplicates(d: ReportDraft): Promise<DuplicateDto[]> {
  if (!d.categoryCode || !d.location || !navigator.onLine) return [];
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 6000);
  try {
    return await ticketsApi.duplicates({ categoryCode: d.categoryCode, lng: d.location.lng, lat: d.location.lat }, ctl.signal);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/** Field errors of a refused report, in words. */
function refusal(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = (err.problem.errors ?? []).map((e) => e.message).filter(Boolean);
    return [err.display, ...fields].filter((v, i, a) => a.indexOf(v) === i).join('\n');
  }
  return errorMessage(err);
}

/**
 * 我要反映 (residents) and 随手报 (staff on patrol): one form. Everything entered is saved on the
 * phone as it is typed; submitting goes through the outbox so a lost connection loses nothing.
 */
export function ReportPage() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const uid = user!.id;
  const resident = isResident(user);
  const navigate = useNavigate();
  const outbox = useOutbox(uid);
  const { list: categories, error: catError, reload: reloadCategories } = useCategories();
  const use = useMemo(() => categoryUse(uid), [uid, outbox.length]); // re-read after a send

  const [draft, setDraft] = useState<ReportDraft>(() => loadDraft(uid) ?? emptyDraft());
  const [uploading, setUploading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [failedUploads, setFailedUploads] = useState(0);
  const [dups, setDups] = useState<DuplicateDto[] | null>(null);
  const [showErrors, setShowErrors] = useState(false);

  // Tell the user their unsent text came back.
  const restored = useRef(draftHasContent(draft));
  useEffect(() => {
    if (restored.current) Toast.show({ content: t('m.report.draftRestored'), position: 'top' });
    restored.current = false;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    saveDraft(uid, draft);
  }, [uid, draft]);

  const patch = (p: Partial<ReportDraft>) => setDraft((d) => ({ ...d, ...p, updatedAt: Date.now() }));

  const ownGrid = !resident && user?.scope && (user.scope.level === 'grid' || user.scope.level === 'microgrid') ? user.scope : null;
  const missingCategory = !draft.categoryCode;
  const missingText = !draft.description.trim();

  const send = async (submitted: ReportDraft = draft) => {
    setDups(null);
    setSubmitting(true);
    enqueue(uid, submitted);
    setDraft(emptyDraft());
    setShowErrors(false);
    try {
      const r = await sendQueued(uid, submitted.key);
      if (r.kind === 'sent') {
        navigate(`/tickets/${r.ticket.id}`, { state: { created: true } });
      } else if (r.kind === 'queued') {
        document.querySelector('.m-shell-body')?.scrollTo({ top: 0, behavior: 'smooth' });
        Toast.show({ icon: 'fail', content: t('m.report.queued'), duration: 3000 });
      } else if (r.kind === 'rejected') {
        // The server read it and said no: back into the form (with a new key) to fix it.
        const back = takeForEditing(uid, submitted.key);
        if (back) setDraft(back);
        await Dialog.alert({ content: <div className="m-prewrap" data-testid="report-error">{refusal(r.error)}</div> });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const submit = async () => {
    if (missingCategory || missingText) {
      setShowErrors(true);
      Toast.show({ icon: 'fail', content: missingCategory ? t('m.report.categoryRequired') : t('m.report.descriptionRequired') });
      return;
    }
    if (uploading) {
      Toast.show(t('m.report.waitUploads'));
      return;
    }
    if (failedUploads) {
      // A photo that did not reach the server would be lost from the report: say so instead.
      Toast.show({ icon: 'fail', content: t('m.report.uploadsFailed', { n: failedUploads }) });
      return;
    }
    if (!draft.location) {
      // Staff on patrol without a fix: the matter goes to their own grid (the server takes a grid code instead of a point).
      const grid = ownGrid;
      if (!grid || !(await Dialog.confirm({ content: t('m.report.useOwnGrid', { name: grid.name }) }))) {
        setShowErrors(true);
        if (!grid) Toast.show({ icon: 'fail', content: t('m.report.locationNone') });
        return;
      }
      await send({ ...draft, regionCode: grid.code });
      return;
    }
    setSubmitting(true);
    const found = await nearbyDuplicates(draft);
    setSubmitting(false);
    if (found.length) setDups(found);
    else await send();
  };

  const clear = async () => {
    if (!draftHasContent(draft)) return;
    if (await Dialog.confirm({ content: t('m.report.clearConfirm') })) {
      clearDraft(uid);
      setDraft(emptyDraft());
      setShowErrors(false);
    }
  };

  const editQueued = async (q: QueuedReport) => {
    if (draftHasContent(draft) && !(await Dialog.confirm({ content: t('m.report.clearConfirm') }))) return;
    const d = takeForEditing(uid, q.draft.key);
    if (d) setDraft(d);
  };

  return (
    <div className="m-page" data-testid="report-page">
      <NavBar
        back={null}
        right={
          draftHasContent(draft) ? (
            <a className="m-navlink" onClick={() => void clear()} data-testid="report-clear">
              {t('m.report.clear')}
            </a>
          ) : null
        }
      >
        {resident ? t('m.report.title') : t('m.report.quickTitle')}
      </NavBar>

      <OutboxList uid={uid} items={outbox} onEdit={(q) => void editQueued(q)} />

      <List mode="card" header={t('m.report.category')}>
        {categories ? (
          <CategoryPicker
            list={categories}
            use={use}
            value={draft.categoryCode}
            error={showErrors && missingCategory}
            onChange={(c) => patch({ categoryCode: c.code, categoryName: categoryName(c, lang) })}
          />
        ) : (
          <List.Item onClick={catError ? reloadCategories : undefined} data-testid="category-picker" className={catError ? 'm-error-text' : 'm-muted'}>
            {catError ? t('m.report.categoryLoadFailed') : t('common.loading')}
          </List.Item>
        )}
      </List>

      <List mode="card" header={t('m.report.description')}>
        <List.Item>
          <TestId id="report-description">
            <TextArea
              value={draft.description}
              onChange={(v) => patch({ description: v })}
              placeholder={t('m.report.descriptionPlaceholder')}
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={DESCRIPTION_MAX}
              showCount={(n) => (n > DESCRIPTION_MAX - 200 ? <span className="m-small m-muted">{`${n}/${DESCRIPTION_MAX}`}</span> : null)}
              className={showErrors && missingText ? 'm-invalid' : undefined}
            />
          </TestId>
        </List.Item>
      </List>

      <List mode="card" header={`${t('m.report.photos')} · ${t('m.report.photosHint', { n: 9 })}`}>
        <List.Item>
          <PhotoUploader key={draft.key} value={draft.photos} onChange={(photos) => patch({ photos })} onBusyChange={setUploading} onFailedChange={setFailedUploads} />
        </List.Item>
      </List>

      <List mode="card" header={t('m.report.location')} className={showErrors && !draft.location ? 'm-invalid-list' : undefined}>
        <LocationField key={draft.key} value={draft.location} onChange={(location) => patch({ location })} />
        <List.Item>
          <TestId id="report-address">
            <Input value={draft.address} onChange={(v) => patch({ address: v })} placeholder={t('m.report.addressPlaceholder')} maxLength={256} clearable />
          </TestId>
        </List.Item>
      </List>

      {resident && (
        <List mode="card">
          <List.Item
            description={t('m.report.anonymousHint')}
            extra={<Switch checked={draft.anonymous} onChange={(v) => patch({ anonymous: v })} data-testid="report-anonymous" />}
          >
            {t('m.report.anonymous')}
          </List.Item>
        </List>
      )}

      <div className="m-submit">
        <Button block color="primary" size="large" loading={submitting} loadingText={t('m.report.submitting')} onClick={() => void submit()} data-testid="report-submit">
          {t('m.report.submit')}
        </Button>
        <div className="m-muted m-small m-center-text">{t('m.report.savedLocally')}</div>
      </div>

      <DuplicatesSheet
        items={dups}
        onBack={() => setDups(null)}
        onContinue={() => void send(draft)}
        onOpen={resident ? undefined : (d) => navigate(`/tickets/${d.id}`)}
      />
    </div>
  );
}
