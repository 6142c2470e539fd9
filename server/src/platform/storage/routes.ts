import { Type } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { auditContext, type App } from '../http/app.js';
import { problemResponses } from '../http/contracts.js';
import { AppError } from '../errors/index.js';
import { UPLOAD_ID_PATTERN, UPLOAD_PURPOSES, type UploadService } from './service.js';

const tags = ['uploads'];
const Nullable = <T extends ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const UploadCreatedSchema = Type.Object({
  id: Type.String({ description: '随机 128 位编号（32 位十六进制），知道编号的已登录用户可读取' }),
  url: Type.String({ description: '读取地址，如 /api/uploads/<id>' }),
  mime: Type.String({ description: 'image/jpeg、image/png 或 image/webp（按文件内容判断）' }),
  size: Type.Integer({ description: '去除元数据后保存的字节数' }),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
});

const IdParams = Type.Object({ id: Type.String({ pattern: UPLOAD_ID_PATTERN }) });

/**
 * Read the one `file` part into memory, refusing it as soon as it passes the limit (photos are
 * at most a few MiB; the metadata scan needs the whole file). A `purpose` text field is optional.
 */
async function receivePhoto(req: FastifyRequest, maxBytes: number, tooLarge: () => AppError): Promise<{ bytes: Buffer; purpose?: string }> {
  if (!req.isMultipart()) throw new AppError('request.unsupported_media_type', { detail: { zh: '请以 multipart/form-data 上传文件', en: 'send multipart/form-data' } });
  let bytes: Buffer | null = null;
  let purpose: string | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'purpose') purpose = String(part.value ?? '').trim() || undefined;
        continue;
      }
      if (part.fieldname !== 'file' || bytes) {
        part.file.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
      // The parser stops at the limit and marks the part truncated.
      if (part.file.truncated) throw tooLarge();
      bytes = Buffer.concat(chunks, size);
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw e;
  }
  if (!bytes) throw new AppError('upload.file_required');
  return { bytes, purpose };
}

export function registerUploadRoutes(app: App, uploads: UploadService): void {
  // Multipart for this one route only: the rest of the API stays JSON-only.
  app.register(async (scope: App) => {
    await scope.register(multipart, { limits: { fileSize: uploads.maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024 } });

    scope.post('/api/uploads', {
      config: { access: 'authenticated', idempotent: true },
      schema: {
        tags,
        summary: '上传照片（JPEG、PNG、WebP；自动去除定位等元数据）',
        description: `multipart/form-data：file（照片，按内容判断类型，与文件名无关）；purpose（可选：${UPLOAD_PURPOSES.join('、')}，默认 ticket）。大小上限见 GRIDWORK_UPLOAD_MAX_BYTES（默认 10 MiB）。`,
        consumes: ['multipart/form-data'],
        response: { 201: UploadCreatedSchema, ...problemResponses },
      },
      handler: async (req, reply) => {
        const { bytes, purpose } = await receivePhoto(req, uploads.maxBytes, () => uploads.tooLarge());
        return reply.status(201).send(await uploads.create(req.actor, { bytes, purpose }, auditContext(req)));
      },
    });
  });

  app.get('/api/uploads/:id', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '读取上传的照片（已登录且知道编号即可读取；工单模块将进一步限制）',
      description: '返回照片字节：Content-Type 为保存时判断的类型，Cache-Control: private, max-age=86400，X-Content-Type-Options: nosniff；ETag 为 SHA-256，If-None-Match 相同时返回 304。',
      params: IdParams,
    },
    handler: async (req, reply) => {
      const { meta, stream } = await uploads.open(req.actor, req.params.id);
      const etag = `"${meta.sha256}"`;
      reply
        .header('content-type', meta.mime)
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .header('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        stream.destroy();
        return reply.status(304).send();
      }
      return reply.header('content-length', String(meta.size)).send(stream);
    },
  });
}
