import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import multipart from '@fastify/multipart';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import { receiveUpload } from '../imports/upload.js';
import type { HotlineService } from './service.js';
import { feedFromFile, feedFromJson, withCsvBytes } from './reader.js';
import { ImportQuery, ImportReportSchema, ResultsQuery, ResultsSchema } from './contracts.js';

const tags = ['hotline'];
/** A day's hotline tickets for a city is a few thousand rows: a few MiB at most. */
export const HOTLINE_MAX_BYTES = 20 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv'];

export function registerHotlineRoutes(app: App, hotline: HotlineService): void {
  // CSV and multipart bodies for this one route; the rest of the API stays JSON-only.
  app.register(async (scope: App) => {
    await scope.register(multipart, { limits: { fileSize: HOTLINE_MAX_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 } });
    scope.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer', bodyLimit: HOTLINE_MAX_BYTES }, (_req, body, done) => done(null, body));

    scope.post('/api/hotline/tickets', {
      config: { access: 'hotline.import', idempotent: true },
      bodyLimit: HOTLINE_MAX_BYTES,
      schema: {
        tags,
        summary: '导入 12345 热线工单（JSON、CSV 或上传文件）；同一热线工单编号只建一张工单',
        description:
          'Content-Type: application/json（工单数组或 {"tickets":[…]}）、text/csv（UTF-8 或 GBK，中英文表头均可）或 multipart/form-data 的 file（.json/.csv/.xlsx）。' +
          '逐行返回结果：created / duplicate（已存在，返回原工单）/ error（行号、字段、原因，该行不写入）。字段见 docs/integrations.md。支持 Idempotency-Key。',
        querystring: ImportQuery,
        consumes: ['application/json', 'text/csv', 'multipart/form-data'],
        response: { 200: ImportReportSchema, ...problemResponses },
      },
      handler: async (req) => {
        const run = (feed: Parameters<HotlineService['importFeed']>[1]) => hotline.importFeed(req.actor, feed, auditContext(req), { dryRun: req.query.dryRun, locale: req.locale });
        if (req.isMultipart()) {
          const up = await receiveUpload(req, path.join(os.tmpdir(), 'gridwork-hotline'));
          try {
            return await run(await feedFromFile(up.filePath, up.fileName));
          } finally {
            await fs.promises.rm(up.filePath, { force: true });
          }
        }
        if (Buffer.isBuffer(req.body)) return withCsvBytes(req.body, run);
        return run(feedFromJson(req.body));
      },
    });
  });

  app.get('/api/hotline/results', {
    config: { access: 'hotline.read' },
    schema: {
      tags,
      summary: '热线工单办理结果：自 since 或 cursor 以来有变化的工单的状态、承办单位、答复、评价、办结时间',
      querystring: ResultsQuery,
      response: { 200: ResultsSchema, ...problemResponses },
    },
    handler: (req) => hotline.results(req.actor, req.query),
  });
}
