import { ERRORS, type ErrorCode } from './codes.js';
import type { Locale } from '../i18n/locale.js';

export { ERRORS, type ErrorCode };

/** One offending field in a validation problem. */
export interface FieldError {
  /** Dotted path of the field, e.g. `geometry.coordinates` or `username`. */
  field: string;
  /** Rule that failed: required, type, pattern, unknown_field, ... */
  rule: string;
  message: string;
}

/** Localisable text: either a plain string or both languages. */
export type Text = string | { zh: string; en: string };

export function localize(text: Text, locale: Locale): string {
  return typeof text === 'string' ? text : locale === 'en' ? text.en : text.zh;
}

/** The one error type the application throws; the HTTP layer turns it into problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: Text | undefined;
  readonly fields: FieldErrorSpec[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    opts: { detail?: Text; fields?: FieldErrorSpec[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(`${code}${opts.detail ? `: ${typeof opts.detail === 'string' ? opts.detail : opts.detail.en}` : ''}`);
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = opts.detail;
    this.fields = opts.fields;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }
}

export interface FieldErrorSpec {
  field: string;
  rule: string;
  message: Text;
}

/** Shorthand for a 400 naming one field and the rule it broke. */
export function invalidField(field: string, rule: string, message: Text): AppError {
  return new AppError('request.invalid', { fields: [{ field, rule, message }] });
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [k: string]: unknown;
}

export function toProblem(err: AppError, locale: Locale, instance?: string, requestId?: string): Problem {
  const def = ERRORS[err.code];
  const p: Problem = {
    type: `urn:gridwork:problem:${err.code}`,
    title: locale === 'en' ? def.en : def.zh,
    status: err.status,
    code: err.code,
  };
  if (err.detail) p.detail = localize(err.detail, locale);
  if (instance) p.instance = instance;
  if (err.fields?.length) {
    p.errors = err.fields.map((f) => ({ field: f.field, rule: f.rule, message: localize(f.message, locale) }));
  }
  if (requestId) p.requestId = requestId;
  if (err.extra) Object.assign(p, err.extra);
  return p;
}
