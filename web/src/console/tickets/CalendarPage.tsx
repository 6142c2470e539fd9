/**
 * 工作日历: the year at a glance — statutory holidays, make-up working days (调休上班) and the
 * city's own overrides, which "working day" limits are counted on. With calendar.write a click on a
 * day sets it to work or rest for the city, or clears the override.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Input, Modal, Space, Spin, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { calendarApi, type CalendarDto } from '../../shared/tickets';
import './tickets.css';

type Kind = 'workday' | 'weekend' | 'holiday' | 'makeup' | 'override-work' | 'override-rest';

interface DayInfo {
  day: string;
  date: number;
  kind: Kind;
  work: boolean;
  note: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

function classify(cal: CalendarDto | null, year: number) {
  const holidays = new Set(cal?.holidays ?? []);
  const makeUp = new Set(cal?.makeUpWorkdays ?? []);
  const overrides = new Map((cal?.overrides ?? []).map((o) => [o.day, o]));
  const info = (m: number, d: number): DayInfo => {
    const day = isoDay(year, m, d);
    const o = overrides.get(day);
    if (o) return { day, date: d, kind: o.work ? 'override-work' : 'override-rest', work: o.work, note: o.note };
    if (holidays.has(day)) return { day, date: d, kind: 'holiday', work: false, note: null };
    if (makeUp.has(day)) return { day, date: d, kind: 'makeup', work: true, note: null };
    const wd = new Date(Date.UTC(year, m - 1, d)).getUTCDay();
    return wd === 0 || wd === 6 ? { day, date: d, kind: 'weekend', work: false, note: null } : { day, date: d, kind: 'workday', work: true, note: null };
  };
  return info;
}

export default function CalendarPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const [cal, setCal] = useState<CalendarDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [picked, setPicked] = useState<DayInfo | null>(null);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const editable = can('calendar.write');

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    calendarApi
      .year(year, ctl.signal)
      .then((r) => {
        setCal(r);
        setError(null);
      })
      .catch((err: unknown) => !ctl.signal.aborted && setError(errorMessage(err)))
      .finally(() => !ctl.signal.aborted && setLoading(false));
    return () => ctl.abort();
  }, [year]);

  const info = useMemo(() => classify(cal?.year === year ? cal : null, year), [cal, year]);
  const weekdays = t('ticket.cal.weekdays').split(',');
  const today = (() => {
    const d = new Date();
    return isoDay(d.getFullYear(), d.getMonth() + 1, d.getDate());
  })();

  const summary = useMemo(() => {
    let work = 0;
    let rest = 0;
    for (let m = 1; m <= 12; m++) {
      const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
      for (let d = 1; d <= days; d++) (info(m, d).work ? work++ : rest++);
    }
    return { work, rest };
  }, [info, year]);

  const apply = async (fn: () => Promise<CalendarDto>, done: string) => {
    setSaving(true);
    try {
      setCal(await fn());
      message.success(done);
      setPicked(null);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const kindLabel = (k: Kind) =>
    ({
      workday: t('ticket.cal.workday'),
      weekend: t('ticket.cal.weekend'),
      holiday: t('ticket.cal.holiday'),
      makeup: t('ticket.cal.makeUp'),
      'override-work': t('ticket.cal.overrideWork'),
      'override-rest': t('ticket.cal.overrideRest'),
    })[k];

  return (
    <Card
      size="small"
      title={t('ticket.cal.title')}
      extra={
        <Space>
          <Button icon={<LeftOutlined />} onClick={() => setYear((y) => y - 1)} aria-label="prev" />
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="calendar-year">
            {year}
          </Typography.Text>
          <Button icon={<RightOutlined />} onClick={() => setYear((y) => y + 1)} aria-label="next" />
          {year !== new Date().getFullYear() && <Button onClick={() => setYear(new Date().getFullYear())}>{t('ticket.cal.today')}</Button>}
          {loading && <Spin size="small" />}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('ticket.cal.hint')}
        {editable && ` ${t('ticket.cal.clickHint')}`}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {cal && cal.year === year && !cal.covered && <Alert type="warning" showIcon title={t('ticket.cal.notCovered', { year })} style={{ marginBottom: 12 }} data-testid="calendar-not-covered" />}
      <Space wrap size="large" style={{ marginBottom: 12 }}>
        <div className="wc-legend">
          {(['workday', 'weekend', 'holiday', 'makeup', 'override-work', 'override-rest'] as Kind[]).map((k) => (
            <span key={k}>
              <span className={`wc-day ${k}`} />
              {kindLabel(k)}
            </span>
          ))}
        </div>
        <Typography.Text type="secondary" data-testid="calendar-summary">
          {t('ticket.cal.summary', { work: summary.work, rest: summary.rest, n: cal?.year === year ? cal.overrides.length : 0 })}
        </Typography.Text>
      </Space>
      <div className="wc-year" data-testid="calendar-grid">
        {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => {
          const first = (new Date(Date.UTC(year, m - 1, 1)).getUTCDay() + 6) % 7; // Monday first
          const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
          return (
            <div key={m} className="wc-month">
              <div className="wc-month-title">{t('ticket.cal.month', { m })}</div>
              <div className="wc-grid">
                {weekdays.map((w) => (
                  <div key={w} className="wc-head">
                    {w}
                  </div>
                ))}
                {Array.from({ length: first }, (_, i) => (
                  <div key={`b${i}`} />
                ))}
                {Array.from({ length: days }, (_, i) => {
                  const d = info(m, i + 1);
                  const mark = d.kind === 'holiday' ? '休' : d.kind === 'makeup' ? '班' : d.kind.startsWith('override') ? '调' : null;
                  return (
                    <button
                      key={d.day}
                      type="button"
                      disabled={!editable}
                      className={`wc-day ${d.kind}${editable ? ' clickable' : ''}${d.day === today ? ' today' : ''}`}
                      title={`${d.day} ${kindLabel(d.kind)}${d.note ? `：${d.note}` : ''}`}
                      onClick={() => {
                        setPicked(d);
                        setNote(d.note ?? '');
                      }}
                      data-testid={`day-${d.day}`}
                    >
                      {d.date}
                      {mark && <span className="wc-mark">{mark}</span>}
                    </button>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>
      <Modal
        open={!!picked}
        title={picked ? `${picked.day} · ${kindLabel(picked.kind)}` : ''}
        onCancel={() => setPicked(null)}
        footer={null}
        destroyOnHidden
        width={420}
        data-testid="calendar-day-modal"
      >
        {picked && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('ticket.cal.note')}</Typography.Text>
            <Input value={note} onChange={(e) => setNote(e.target.value)} maxLength={128} placeholder={t('ticket.cal.notePlaceholder')} data-testid="calendar-note" />
            <Space wrap>
              <Button
                type={picked.work ? 'default' : 'primary'}
                loading={saving}
                onClick={() => void apply(() => calendarApi.setOverride(picked.day, { work: true, note: note.trim() || undefined }), t('ticket.cal.saved', { day: picked.day, what: t('ticket.cal.workday') }))}
                data-testid="calendar-set-work"
              >
                {t('ticket.cal.setWork')}
              </Button>
              <Button
                type={picked.work ? 'primary' : 'default'}
                loading={saving}
                onClick={() => void apply(() => calendarApi.setOverride(picked.day, { work: false, note: note.trim() || undefined }), t('ticket.cal.saved', { day: picked.day, what: t('ticket.cal.restDay') }))}
                data-testid="calendar-set-rest"
              >
                {t('ticket.cal.setRest')}
              </Button>
              {picked.kind.startsWith('override') && (
                <Button danger loading={saving} onClick={() => void apply(() => calendarApi.clearOverride(picked.day), t('ticket.cal.cleared', { day: picked.day }))} data-testid="calendar-clear">
                  {t('ticket.cal.clear')}
                </Button>
              )}
            </Space>
          </Space>
        )}
      </Modal>
    </Card>
  );
}
