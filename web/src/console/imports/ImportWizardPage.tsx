/**
 * 数据导入 wizard: file → column mapping → dry run → real run → result.
 * Saves staff work: the last kind/department are remembered, a saved template for the department is
 * applied automatically, the server's suggested mapping fills the rest, the dry run starts from the
 * mapping step in one click, and every error names the row, the column and the rule.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Flex,
  Input,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { CheckCircleTwoTone, FileExcelOutlined, InboxOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useT } from '../../shared/i18n';
import {
  IMPORT_KINDS,
  importsApi,
  type ColumnMapping,
  type ImportBatch,
  type ImportKind,
  type ImportMapping,
  type InspectResult,
  type TargetField,
} from './api';
import { BatchCounts, BatchProgress, ErrorReportLink, ImportErrorTable, useBatchPoll } from './BatchViews';
import { targetFieldsFor } from './fields';
import { useImportLabels } from './labels';

const LAST_KEY = 'gridwork.import.last';
const ACCEPT = '.xlsx,.csv';

function readLast(): { kind: ImportKind; source: string } {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_KEY) ?? '{}') as { kind?: string; source?: string };
    return { kind: IMPORT_KINDS.includes(v.kind as ImportKind) ? (v.kind as ImportKind) : 'people', source: v.source ?? '' };
  } catch {
    return { kind: 'people', source: '' };
  }
}

function writeLast(kind: ImportKind, source: string) {
  try {
    localStorage.setItem(LAST_KEY, JSON.stringify({ kind, source }));
  } catch {
    /* storage unavailable */
  }
}

/** Headers compared loosely, as the server does: full-width → half-width, no spaces, stars or bracketed units. */
function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/[(\[【（][^)\]】）]*[)\]】）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/** Keep only targets whose header is in the file, spelled as the file spells it. */
function fitMapping(columns: ColumnMapping, headers: string[]): ColumnMapping {
  const byNorm = new Map(headers.map((h) => [normaliseHeader(h), h]));
  const out: ColumnMapping = {};
  for (const [field, h] of Object.entries(columns)) {
    const actual = h ? (headers.includes(h) ? h : byNorm.get(normaliseHeader(h))) : undefined;
    if (actual) out[field] = actual;
  }
  return out;
}

/** A saved template fits when every header it names is in the file. */
function templateFits(m: ImportMapping, headers: string[]): boolean {
  const have = new Set(headers.map(normaliseHeader));
  const used = Object.values(m.columns ?? {}).filter(Boolean);
  return used.length > 0 && used.every((h) => have.has(normaliseHeader(h)));
}

const STEP = { file: 0, mapping: 1, preview: 2, run: 3, result: 4 } as const;

export default function ImportWizardPage() {
  const t = useT();
  const labels = useImportLabels();
  const navigate = useNavigate();
  const last = useMemo(readLast, []);
  const [step, setStep] = useState<number>(STEP.file);
  const [kind, setKind] = useState<ImportKind>(last.kind);
  const [source, setSource] = useState(last.source);
  const [sources, setSources] = useState<string[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const [inspectError, setInspectError] = useState<string | null>(null);
  const [inspect, setInspect] = useState<InspectResult | null>(null);
  const [templates, setTemplates] = useState<ImportMapping[]>([]);
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [saveTemplate, setSaveTemplate] = useState(false);
  const [templateName, setTemplateName] = useState('');
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const [dryId, setDryId] = useState<number | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const dry = useBatchPoll(dryId);
  const run = useBatchPoll(runId);

  // Departments of earlier imports and saved templates, most recent first.
  useEffect(() => {
    let alive = true;
    void Promise.allSettled([importsApi.list({ limit: 100 }), importsApi.mappings({})]).then(([a, b]) => {
      if (!alive) return;
      const names: string[] = [];
      if (a.status === 'fulfilled') names.push(...a.value.items.map((x) => x.source));
      if (b.status === 'fulfilled') names.push(...b.value.map((x) => x.source));
      setSources([...new Set(names.filter(Boolean))]);
    });
    return () => {
      alive = false;
    };
  }, []);

  const fields: TargetField[] = useMemo(() => targetFieldsFor(kind, inspect?.fields), [kind, inspect]);
  const headers = inspect?.headers ?? [];

  /**
   * The server already applied the department's newest fitting template (or recognised the headers);
   * when the department was typed after the file was read, look for a template here.
   */
  const prefill = useCallback(async (res: InspectResult, k: ImportKind, src: string, serverKnowsSource: boolean) => {
    let list: ImportMapping[] = [];
    if (src.trim()) {
      try {
        list = (await importsApi.mappings({ source: src.trim(), kind: k })).filter((m) => !m.kind || m.kind === k);
      } catch {
        list = [];
      }
    }
    setTemplates(list);
    if (serverKnowsSource && res.suggestedMappingId) {
      setTemplateId(res.suggestedMappingId);
      setMapping(fitMapping(res.suggestedMapping, res.headers));
      return;
    }
    const fit = [...list].sort((x, y) => (y.updatedAt ?? '').localeCompare(x.updatedAt ?? '') || y.id - x.id).find((m) => templateFits(m, res.headers));
    const base = serverKnowsSource || !res.suggestedMappingId ? fitMapping(res.suggestedMapping, res.headers) : {};
    if (fit) {
      setTemplateId(fit.id);
      setMapping({ ...base, ...fitMapping(fit.columns, res.headers) });
    } else {
      setTemplateId(null);
      setMapping(base);
    }
  }, []);

  const edited = useRef(false);
  /** The department the file was inspected with (the server's suggestion depends on it). */
  const inspectedWith = useRef('');

  const chooseFile = async (f: File | null | undefined, k: ImportKind = kind) => {
    if (!f) return;
    setFile(f);
    setInspect(null);
    setInspectError(null);
    setDryId(null);
    setRunId(null);
    if (!/\.(xlsx|csv)$/i.test(f.name)) {
      setInspectError(t('import.badFileType', { name: f.name }));
      return;
    }
    setInspecting(true);
    try {
      const res = await importsApi.inspect(f, k, source);
      edited.current = false;
      setInspect(res);
      inspectedWith.current = source.trim();
      await prefill(res, k, source, true);
      setStep(STEP.mapping);
    } catch (err) {
      setInspectError(errorMessage(err));
    } finally {
      setInspecting(false);
    }
  };

  const changeKind = (k: ImportKind) => {
    setKind(k);
    // The suggestion depends on the kind: read the file again for it.
    if (file) void chooseFile(file, k);
  };

  // Department typed after the file was read: look for its templates (apply one unless the user edited the mapping).
  useEffect(() => {
    if (!inspect) return;
    const timer = setTimeout(() => {
      if (edited.current) {
        void importsApi
          .mappings({ source: source.trim(), kind })
          .then((list) => setTemplates(list.filter((m) => !m.kind || m.kind === kind)))
          .catch(() => undefined);
      } else void prefill(inspect, kind, source, source.trim() === inspectedWith.current);
    }, 400);
    return () => clearTimeout(timer);
    // re-run when the department changes, not on every inspect identity
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source]);

  const missingRequired = fields.filter((f) => f.required && !mapping[f.key]);
  const duplicateHeaders = useMemo(() => {
    const seen = new Map<string, number>();
    for (const h of Object.values(mapping)) if (h) seen.set(h, (seen.get(h) ?? 0) + 1);
    return new Set([...seen].filter(([, n]) => n > 1).map(([h]) => h));
  }, [mapping]);

  const setField = (key: string, header: string | undefined) => {
    edited.current = true;
    setTemplateId(null); // edited: send the columns themselves
    setMapping((m) => {
      const next = { ...m };
      if (header) next[key] = header;
      else delete next[key];
      return next;
    });
  };

  const applyTemplate = (id: number | null) => {
    if (!inspect) return;
    if (id === null) {
      setTemplateId(null);
      setMapping(fitMapping(inspect.suggestedMapping ?? {}, inspect.headers));
      return;
    }
    const tpl = templates.find((x) => x.id === id);
    if (!tpl) return;
    setTemplateId(id);
    setMapping({ ...fitMapping(inspect.suggestedMapping ?? {}, inspect.headers), ...fitMapping(tpl.columns, inspect.headers) });
  };

  const start = async (dryRun: boolean) => {
    if (!file || !inspect) return;
    setStarting(true);
    setStartError(null);
    try {
      const src = source.trim();
      writeLast(kind, src);
      const tpl = templateId ? templates.find((x) => x.id === templateId) : undefined;
      const res = await importsApi.start({
        file,
        source: src,
        kind,
        mappingId: tpl?.id,
        columns: tpl ? undefined : mapping,
        dryRun,
        saveMappingAs: !dryRun && saveTemplate && templateName.trim() ? templateName.trim() : undefined,
      });
      if (dryRun) {
        setDryId(res.id);
        setStep(STEP.preview);
      } else {
        setRunId(res.id);
        setStep(STEP.run);
      }
    } catch (err) {
      setStartError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  // The real run finished: show the result.
  useEffect(() => {
    if (run.batch && (run.batch.status === 'done' || run.batch.status === 'failed') && step === STEP.run) setStep(STEP.result);
  }, [run.batch, step]);

  const restart = () => {
    setStep(STEP.file);
    setFile(null);
    setInspect(null);
    setDryId(null);
    setRunId(null);
    setStartError(null);
    setSaveTemplate(false);
    setTemplateName('');
    if (fileInput.current) fileInput.current.value = '';
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragOver(false);
    void chooseFile(e.dataTransfer.files?.[0]);
  };

  const canMap = !!inspect && missingRequired.length === 0 && !!source.trim();

  // ---- step 1: kind, department, file ----------------------------------------------------------
  const fileStep = (
    <Row gutter={[24, 16]}>
      <Col xs={24} lg={10}>
        <Typography.Paragraph strong>{t('import.kindLabel')}</Typography.Paragraph>
        <Radio.Group
          value={kind}
          onChange={(e) => changeKind(e.target.value as ImportKind)}
          optionType="button"
          buttonStyle="solid"
          options={IMPORT_KINDS.map((k) => ({ value: k, label: labels.kind(k) }))}
          data-testid="import-kind"
        />
        <Typography.Paragraph strong style={{ marginTop: 20 }}>
          {t('import.sourceLabel')}
        </Typography.Paragraph>
        <AutoComplete
          value={source}
          onChange={(v: string) => setSource(v)}
          options={sources.filter((s) => !source || s.includes(source.trim())).map((s) => ({ value: s }))}
          style={{ width: '100%' }}
          data-testid="import-source"
        >
          <Input placeholder={t('import.sourcePlaceholder')} maxLength={64} allowClear />
        </AutoComplete>
        <Typography.Paragraph type="secondary" style={{ marginTop: 6, fontSize: 12 }}>
          {t('import.sourceHint')}
        </Typography.Paragraph>
      </Col>
      <Col xs={24} lg={14}>
        <label
          className={`import-drop${dragOver ? ' drag-over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragOver(true);
          }}
          onDragLeave={() => setDragOver(false)}
          onDrop={onDrop}
        >
          <input
            ref={fileInput}
            type="file"
            accept={ACCEPT}
            hidden
            data-testid="import-file-input"
            onChange={(e) => void chooseFile(e.target.files?.[0])}
          />
          {inspecting ? (
            <Spin tip={t('import.reading')}>
              <div style={{ height: 96 }} />
            </Spin>
          ) : (
            <>
              <p className="import-drop-icon">{file ? <FileExcelOutlined /> : <InboxOutlined />}</p>
              <p>{file ? file.name : t('import.dropHint')}</p>
              <p className="muted-level">{t('import.fileTypes')}</p>
            </>
          )}
        </label>
        {inspectError && <Alert type="error" showIcon title={t('import.readFailed')} description={inspectError} style={{ marginTop: 12 }} />}
        {inspect && !inspecting && (
          <Flex justify="end" style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => setStep(STEP.mapping)}>
              {t('import.next')}
            </Button>
          </Flex>
        )}
      </Col>
    </Row>
  );

  // ---- step 2: mapping ----------------------------------------------------------------------
  const sampleRows = inspect?.sample.slice(0, 5) ?? [];
  const headerIndex = new Map(headers.map((h, i) => [h, i]));
  const sampleOf = (header: string | undefined) =>
    header === undefined ? [] : sampleRows.map((r) => r[headerIndex.get(header) ?? -1] ?? '').filter((v) => v !== '');

  const mappingStep = inspect && (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        items={[
          { key: 'file', label: t('import.file'), children: file?.name },
          { key: 'kind', label: t('import.kindLabel'), children: labels.kind(kind) },
          {
            key: 'format',
            label: t('import.format'),
            children: `${(inspect.format ?? file?.name.split('.').pop() ?? '').toUpperCase()}${inspect.encoding ? ` · ${inspect.encoding.toUpperCase()}` : ''}`,
          },
        ]}
        style={{ marginBottom: 12 }}
      />
      {!source.trim() && <Alert type="warning" showIcon title={t('import.sourceRequired')} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('import.template')}</span>
        <Select<number | null>
          style={{ minWidth: 260 }}
          value={templateId}
          onChange={(v) => applyTemplate(v ?? null)}
          data-testid="import-template"
          options={[
            { value: null as unknown as number, label: t('import.templateSuggested') },
            ...templates.map((m) => ({ value: m.id, label: m.name, disabled: !templateFits(m, headers) })),
          ]}
        />
        {templateId ? (
          <Tag color="green" icon={<CheckCircleTwoTone twoToneColor="#52c41a" />}>
            {t('import.templateApplied')}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{templates.length ? t('import.templateCount', { n: templates.length }) : t('import.noTemplate')}</Typography.Text>
        )}
      </Space>
      <Table<TargetField>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={fields}
        data-testid="import-mapping"
        scroll={{ x: 720 }}
        columns={[
          {
            title: t('import.targetField'),
            key: 'field',
            width: 200,
            render: (_: unknown, f) => (
              <span>
                {labels.field(kind, f.key, f.label)}
                {f.required && <span className="text-error"> *</span>}
                <span className="muted-level mono">{f.key}</span>
              </span>
            ),
          },
          {
            title: t('import.sourceColumn'),
            key: 'header',
            width: 240,
            render: (_: unknown, f) => {
              const h = mapping[f.key];
              return (
                <Select<string>
                  allowClear
                  showSearch
                  style={{ width: '100%' }}
                  placeholder={f.required ? t('import.pickRequired') : t('import.notImported')}
                  value={h}
                  status={(f.required && !h) || (h && duplicateHeaders.has(h)) ? 'error' : undefined}
                  onChange={(v) => setField(f.key, v)}
                  options={headers.map((x) => ({ value: x, label: x }))}
                  data-testid={`import-map-${f.key}`}
                />
              );
            },
          },
          {
            title: t('import.sampleValues'),
            key: 'sample',
            render: (_: unknown, f) => {
              const vals = sampleOf(mapping[f.key]);
              return vals.length ? (
                <Typography.Text className="mono" ellipsis>
                  {vals.slice(0, 3).join('　|　')}
                </Typography.Text>
              ) : (
                <span className="muted-level">—</span>
              );
            },
          },
        ]}
      />
      {duplicateHeaders.size > 0 && (
        <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('import.duplicateColumns', { cols: [...duplicateHeaders].join('、') })} />
      )}
      {missingRequired.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={t('import.missingRequired', { fields: missingRequired.map((f) => labels.field(kind, f.key, f.label)).join('、') })}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('import.sampleTitle')}
      </Typography.Title>
      <Table<{ key: number; cells: (string | null)[] }>
        size="small"
        pagination={false}
        scroll={{ x: Math.max(600, headers.length * 120) }}
        dataSource={sampleRows.map((cells, i) => ({ key: i, cells }))}
        data-testid="import-sample"
        locale={{ emptyText: <Empty description={t('import.noSample')} /> }}
        columns={headers.map((h, i) => {
          const target = Object.entries(mapping).find(([, v]) => v === h)?.[0];
          return {
            key: h,
            title: (
              <span>
                {h}
                {target ? <Tag color="blue" style={{ marginInlineStart: 6 }}>{labels.field(kind, target)}</Tag> : <span className="muted-level">{t('import.unused')}</span>}
              </span>
            ),
            render: (_: unknown, r: { cells: (string | null)[] }) => <span className="mono">{r.cells[i] ?? ''}</span>,
          };
        })}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 6 }}>
        {t('import.sampleMasked')}
      </Typography.Paragraph>
      <Space wrap style={{ marginTop: 8 }}>
        <Checkbox
          checked={saveTemplate}
          onChange={(e) => {
            setSaveTemplate(e.target.checked);
            if (e.target.checked && !templateName) setTemplateName(t('import.templateDefaultName', { source: source.trim(), kind: labels.kind(kind) }));
          }}
          data-testid="import-save-template"
        >
          {t('import.saveTemplate')}
        </Checkbox>
        {saveTemplate && (
          <Input value={templateName} onChange={(e) => setTemplateName(e.target.value)} maxLength={64} style={{ width: 260 }} placeholder={t('import.templateName')} />
        )}
      </Space>
      {startError && <Alert type="error" showIcon title={startError} style={{ marginTop: 12 }} />}
      <Flex justify="space-between" style={{ marginTop: 16 }}>
        <Button onClick={() => setStep(STEP.file)}>{t('import.back')}</Button>
        <Tooltip title={canMap ? undefined : !source.trim() ? t('import.sourceRequired') : t('import.mapRequiredFirst')}>
          <Button type="primary" disabled={!canMap} loading={starting} onClick={() => void start(true)} data-testid="import-dryrun-button">
            {t('import.dryRun')}
          </Button>
        </Tooltip>
      </Flex>
    </>
  );

  // ---- step 3: dry run preview -------------------------------------------------------------
  const dryBatch: ImportBatch | null = dry.batch;
  const previewStep = (
    <>
      <Typography.Paragraph type="secondary">{t('import.dryRunHint')}</Typography.Paragraph>
      <BatchProgress batch={dryBatch} error={dry.error} />
      {dryBatch?.status === 'done' && (
        <>
          <BatchCounts batch={dryBatch} />
          {dryBatch.errorRows > 0 ? (
            <Alert
              type="warning"
              showIcon
              icon={<WarningOutlined />}
              style={{ margin: '16px 0 8px' }}
              title={t('import.dryRunErrors', { n: dryBatch.errorRows, ok: dryBatch.okRows })}
              action={<ErrorReportLink batchId={dryBatch.id} />}
            />
          ) : (
            <Alert type="success" showIcon style={{ margin: '16px 0 8px' }} title={t('import.dryRunClean', { ok: dryBatch.okRows })} />
          )}
          {dryBatch.errorRows > 0 && <ImportErrorTable batchId={dryBatch.id} kind={kind} mapping={mapping} pageSize={20} />}
        </>
      )}
      {startError && <Alert type="error" showIcon title={startError} style={{ marginTop: 12 }} />}
      <Flex justify="space-between" style={{ marginTop: 16 }}>
        <Button onClick={() => setStep(STEP.mapping)}>{t('import.backToMapping')}</Button>
        <Button
          type="primary"
          disabled={dryBatch?.status !== 'done' || dryBatch.okRows === 0}
          loading={starting}
          onClick={() => void start(false)}
          data-testid="import-run-button"
        >
          {dryBatch && dryBatch.errorRows > 0 ? t('import.runSkipErrors', { n: dryBatch.okRows }) : t('import.run')}
        </Button>
      </Flex>
    </>
  );

  // ---- step 4/5: real run and result -----------------------------------------------------------
  const runBatch = run.batch;
  const runStep = (
    <>
      <BatchProgress batch={runBatch} error={run.error} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('import.runningHint')}
      </Typography.Paragraph>
    </>
  );

  const resultStep = runBatch && (
    <div data-testid="import-result">
      <Result
        status={runBatch.status === 'done' ? (runBatch.errorRows ? 'warning' : 'success') : 'error'}
        title={runBatch.status === 'done' ? t('import.resultTitle', { ok: runBatch.okRows }) : t('import.failed')}
        subTitle={
          runBatch.status === 'done'
            ? t('import.resultSub', { created: runBatch.created, updated: runBatch.updated, unchanged: runBatch.unchanged, errors: runBatch.errorRows, conflicts: runBatch.conflicts })
            : (runBatch.message ?? undefined)
        }
        extra={[
          <Button key="again" type="primary" icon={<ReloadOutlined />} onClick={restart}>
            {t('import.again')}
          </Button>,
          <Button key="list" onClick={() => navigate('/imports')}>
            {t('import.history')}
          </Button>,
        ]}
      />
      <BatchProgress batch={runBatch} error={run.error} />
      <BatchCounts batch={runBatch} />
      <Space wrap style={{ margin: '16px 0' }}>
        <ErrorReportLink batchId={runBatch.id} disabled={runBatch.errorRows === 0} />
        {runBatch.conflicts > 0 && (
          <Link to={`/conflicts?batchId=${runBatch.id}`} data-testid="import-conflicts-link">
            <Button>{t('import.toConflicts', { n: runBatch.conflicts })}</Button>
          </Link>
        )}
        {kind === 'people' && <Link to="/people">{t('import.toPeople')}</Link>}
        {kind === 'orgs' && <Link to="/orgs">{t('import.toOrgs')}</Link>}
        {kind === 'houses' && <Link to="/houses">{t('import.toHouses')}</Link>}
      </Space>
      {runBatch.errorRows > 0 && <ImportErrorTable batchId={runBatch.id} kind={kind} mapping={mapping} />}
    </div>
  );

  const stepItems = [
    { title: t('import.step.file') },
    { title: t('import.step.mapping') },
    { title: t('import.step.preview') },
    { title: t('import.step.run') },
    { title: t('import.step.result') },
  ];

  return (
    <Card
      title={t('import.wizardTitle')}
      size="small"
      extra={<Link to="/imports">{t('import.history')}</Link>}
      data-testid="import-wizard"
    >
      <Steps current={step} items={stepItems} size="small" style={{ marginBottom: 24 }} />
      {step === STEP.file && fileStep}
      {step === STEP.mapping && mappingStep}
      {step === STEP.preview && previewStep}
      {step === STEP.run && runStep}
      {step === STEP.result && resultStep}
    </Card>
  );
}
