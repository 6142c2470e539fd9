import fs from 'node:fs';
import { Type } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import { attachment } from '../../platform/export/tabular.js';
import type { ImportService } from './service.js';
import {
  BatchesQuery,
  BatchSchema,
  ConflictSchema,
  ConflictsQuery,
  CreateMappingBody,
  ErrorsQuery,
  IdParams,
  InspectResponse,
  MappingSchema,
  MappingsQuery,
  Pages,
  ResolveBody,
  UpdateMappingBody,
} from './contracts.js';
import { formField, receiveUpload } from './upload.js';

const tags = ['imports'];
/** Department exports of a whole city's residents run to a few hundred megabytes. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const uploadDoc = (fields: string) => `multipart/form-data：file（.csv 或 .xlsx）${fields}`;

export function registerImportRoutes(app: App, imports: ImportService): void {
  // Finish (or fail) imports still running before the database closes.
  app.addHook('onClose', () => imports.drain());

  // Multipart only for the two upload routes: the rest of the API stays JSON-only.
  app.register(async (scope: App) => {
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: 64 * 1024 } });

    scope.post('/api/imports/inspect', {
      config: { access: 'import.run' },
      schema: {
        tags,
        summary: '预览上传的文件：表头、前 5 行（身份证号、手机号脱敏）和建议的列对应关系',
        description: uploadDoc('；kind（people/houses/orgs）；source（来源部门，可选，用于匹配已保存的模板）；regionCode（可选）'),
        consumes: ['multipart/form-data'],
        response: { 200: InspectResponse, ...problemResponses },
      },
      handler: async (req) => {
        const up = await receiveUpload(req, imports.uploadDir);
        try {
          return await imports.inspect(req.actor, {
            filePath: up.filePath,
            fileName: up.fileName,
            kind: formField.text(up.fields, 'kind', { required: true, max: 16 })!,
            source: formField.text(up.fields, 'source', { max: 64 }),
            regionCode: formField.text(up.fields, 'regionCode', { max: 18 }),
          });
        } finally {
          await fs.promises.rm(up.filePath, { force: true });
        }
      },
    });

    scope.post('/api/imports', {
      config: { access: 'import.run', idempotent: true },
      schema: {
        tags,
        summary: '导入部门数据（后台执行，立即返回导入编号）',
        description: uploadDoc(
          '；source（来源部门，必填）；kind（people/houses/orgs）；mappingId 或 columns（JSON：{"目标字段":"列名"}，都不给则按已保存模板或表头自动对应）；dryRun（true 为试导入，不写入数据）；saveMappingAs（保存为模板的名称）；regionCode（导入到管辖范围内的某个区划，默认整个管辖范围）',
        ),
        consumes: ['multipart/form-data'],
        response: { 202: Type.Object({ id: Type.Integer() }), ...problemResponses },
      },
      handler: async (req, reply) => {
        const up = await receiveUpload(req, imports.uploadDir);
        try {
          const f = up.fields;
          const started = await imports.start(
            req.actor,
            {
              filePath: up.filePath,
              fileName: up.fileName,
              sha256: up.sha256,
              source: formField.text(f, 'source', { required: true, max: 64 })!,
              kind: formField.text(f, 'kind', { required: true, max: 16 })!,
              mappingId: formField.int(f, 'mappingId'),
              columns: formField.columns(f, 'columns'),
              dryRun: formField.bool(f, 'dryRun'),
              saveMappingAs: formField.text(f, 'saveMappingAs', { max: 64 }),
              regionCode: formField.text(f, 'regionCode', { max: 18 }),
              deleteAfter: true,
            },
            auditContext(req),
          );
          return reply.status(202).send(started);
        } catch (e) {
          await fs.promises.rm(up.filePath, { force: true });
          throw e;
        }
      },
    });
  });

  app.get('/api/imports', {
    config: { access: 'import.run' },
    schema: { tags, summary: '导入记录（管辖范围内，新的在前）', querystring: BatchesQuery, response: { 200: Pages.batches, ...problemResponses } },
    handler: (req) => imports.list(req.actor, { ...req.query, limit: req.query.limit ?? 50 }),
  });

  app.get('/api/imports/:id', {
    config: { access: 'import.run' },
    schema: { tags, summary: '导入状态与计数（供进度条轮询）', params: IdParams, response: { 200: BatchSchema, ...problemResponses } },
    handler: (req) => imports.get(req.actor, req.params.id),
  });

  app.get('/api/imports/:id/errors', {
    config: { access: 'import.run' },
    schema: { tags, summary: '错误与警告明细（按行号）', params: IdParams, querystring: ErrorsQuery, response: { 200: Pages.errors, ...problemResponses } },
    handler: (req) => imports.errors(req.actor, req.params.id, { cursor: req.query.cursor, limit: req.query.limit ?? 50 }),
  });

  app.get('/api/imports/:id/errors.csv', {
    config: { access: 'import.run' },
    schema: { tags, summary: '下载错误报告（CSV：行号、列、规则、说明、值、级别）', params: IdParams },
    handler: async (req, reply) => {
      const { fileName, stream } = await imports.errorReport(req.actor, req.params.id);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', attachment(fileName)).send(stream);
    },
  });

  app.get('/api/import-mappings', {
    config: { access: 'import.run' },
    schema: { tags, summary: '各部门保存的导入模板（列对应关系）', querystring: MappingsQuery, response: { 200: Type.Array(MappingSchema), ...problemResponses } },
    handler: (req) => imports.listMappings(req.actor, req.query),
  });

  app.post('/api/import-mappings', {
    config: { access: 'import.run', idempotent: true },
    schema: { tags, summary: '保存导入模板', body: CreateMappingBody, response: { 201: MappingSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await imports.createMapping(req.actor, req.body, auditContext(req))),
  });

  app.put('/api/import-mappings/:id', {
    config: { access: 'import.run' },
    schema: { tags, summary: '修改导入模板（名称、列对应关系）', params: IdParams, body: UpdateMappingBody, response: { 200: MappingSchema, ...problemResponses } },
    handler: (req) => imports.updateMapping(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/conflicts', {
    config: { access: 'person.read' },
    schema: { tags, summary: '数据冲突队列（不同部门对同一字段的值不一致）', querystring: ConflictsQuery, response: { 200: Pages.conflicts, ...problemResponses } },
    handler: (req) => imports.listConflicts(req.actor, { ...req.query, limit: req.query.limit ?? 50 }),
  });

  app.post('/api/conflicts/:id/resolve', {
    config: { access: 'conflict.resolve' },
    schema: { tags, summary: '处理冲突：保留现值或采用新值（记入审计）', params: IdParams, body: ResolveBody, response: { 200: ConflictSchema, ...problemResponses } },
    handler: (req) => imports.resolveConflict(req.actor, req.params.id, req.body.resolution, auditContext(req)),
  });
}
