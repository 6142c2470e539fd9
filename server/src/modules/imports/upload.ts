import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, invalidField } from '../../platform/errors/index.js';

export interface Upload {
  filePath: string;
  fileName: string;
  sha256: string;
  fields: Record<string, string>;
}

/**
 * Stream a multipart upload to a file under `dir`, hashing it on the way; collect the text
 * fields. The file never sits in memory. The caller owns (and removes) the file.
 */
export async function receiveUpload(req: FastifyRequest, dir: string): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('request.unsupported_media_type', { detail: { zh: '请以 multipart/form-data 上传文件', en: 'send multipart/form-data' } });
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const fields: Record<string, string> = {};
  let file: { filePath: string; fileName: string; sha256: string } | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value ?? '');
        continue;
      }
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        continue;
      }
      const fileName = path.basename(part.filename || 'upload');
      // Keep the extension: the reader chooses CSV or XLSX by it.
      const filePath = path.join(dir, `${randomUUID()}${path.extname(fileName).toLowerCase().slice(0, 8)}`);
      file = { filePath, fileName, sha256: '' };
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      await pipeline(part.file, tap, fs.createWriteStream(filePath, { mode: 0o600 }));
      file.sha256 = hash.digest('hex');
    }
  } catch (e) {
    if (file) await fs.promises.rm(file.filePath, { force: true });
    throw e;
  }
  if (!file) throw new AppError('import.file_required');
  return { ...file, fields };
}

/** Text fields of a multipart request, checked one by one (multipart bodies bypass the JSON schema). */
export const formField = {
  text(fields: Record<string, string>, name: string, opts: { required?: boolean; max: number }): string | undefined {
    const v = fields[name]?.trim();
    if (!v) {
      if (opts.required) throw invalidField(name, 'required', { zh: '必填', en: 'is required' });
      return undefined;
    }
    if (v.length > opts.max) throw invalidField(name, 'maxLength', { zh: `不能超过 ${opts.max} 个字符`, en: `at most ${opts.max} characters` });
    return v;
  },
  bool(fields: Record<string, string>, name: string): boolean {
    const v = fields[name]?.trim().toLowerCase();
    if (!v) return false;
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw invalidField(name, 'type', { zh: '应为 true 或 false', en: 'must be true or false' });
  },
  int(fields: Record<string, string>, name: string): number | undefined {
    const v = fields[name]?.trim();
    if (!v) return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw invalidField(name, 'type', { zh: '应为正整数', en: 'must be a positive integer' });
    return Number(v);
  },
  columns(fields: Record<string, string>, name: string): Record<string, string> | undefined {
    const v = fields[name]?.trim();
    if (!v) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw invalidField(name, 'json', { zh: '应为 JSON 对象，如 {"name":"姓名"}', en: 'must be a JSON object such as {"name":"姓名"}' });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((x) => typeof x !== 'string')) {
      throw invalidField(name, 'json', { zh: '应为“字段 → 列名”的 JSON 对象', en: 'must map field names to column headers' });
    }
    return parsed as Record<string, string>;
  },
};
