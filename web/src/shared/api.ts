/**
 * Thin fetch wrapper for the Gridwork API.
 * - same-origin cookies, JSON in and out
 * - `Accept-Language` follows the UI language so server messages match
 * - errors are thrown as ApiError carrying the RFC 9457 problem document
 * - any 401 (except on requests that opt out) triggers the registered session-expiry handler
 */
import { en } from './i18n/en';
import { zhCN } from './i18n/zh-CN';

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldProblem[];
  [k: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }

  /** Title and detail joined for display. */
  get display(): string {
    const { title, detail } = this.problem;
    return detail && detail !== title ? `${title}：${detail}` : title;
  }
}

let language = 'zh-CN';
let onUnauthorized: (() => void) | null = null;

/** Set by the i18n provider: the value sent as Accept-Language. */
export function setApiLanguage(lang: string): void {
  language = lang;
}

/** Set by the auth provider: called on any 401 from the API (session expired). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as session expiry (login, initial /me probe). */
  noAuthRedirect?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

function networkProblem(err: unknown): Problem {
  const title = (language === 'en' ? en['error.network'] : undefined) ?? zhCN['error.network'];
  return {
    type: 'about:blank',
    title,
    status: 0,
    code: 'network',
    detail: err instanceof Error ? err.message : String(err),
  };
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && typeof body.title === 'string') {
      return {
        ...body,
        type: body.type ?? 'about:blank',
        title: body.title,
        status: typeof body.status === 'number' ? body.status : res.status,
        code: typeof body.code === 'string' ? body.code : `http.${res.status}`,
      } as Problem;
    }
  } catch {
    /* not JSON */
  }
  return {
    type: 'about:blank',
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    code: `http.${res.status}`,
    detail: text.slice(0, 200) || undefined,
  };
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json, application/geo+json',
    'Accept-Language': language,
  };
  let body: string | FormData | undefined;
  if (opts.body instanceof FormData) {
    // multipart/form-data (file uploads): the browser sets the boundary in Content-Type itself
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(networkProblem(err));
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized?.();
    throw new ApiError(problem);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query' | 'method'>) =>
    request<T>(path, { ...opts, query, method: 'GET' }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body' | 'method'>) =>
    request<T>(path, { ...opts, body: body ?? {}, method: 'POST' }),
  patch: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'body' | 'method'>) =>
    request<T>(path, { ...opts, body, method: 'PATCH' }),
  del: <T>(path: string, opts?: Omit<RequestOptions, 'method'>) => request<T>(path, { ...opts, method: 'DELETE' }),
  /** multipart/form-data POST (file uploads); same problem handling as the JSON calls. */
  upload: <T>(path: string, form: FormData, opts?: Omit<RequestOptions, 'body' | 'method'>) =>
    request<T>(path, { ...opts, body: form, method: 'POST' }),
};

/** Path segment escaping for codes/ids put into URLs. */
export const seg = (s: string | number) => encodeURIComponent(String(s));

/** Anything thrown → a human-readable message. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.display;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The subset of antd's FormInstance we need (kept structural so shared code has no antd dependency). */
export interface FieldSettable {
  // `never[]` so that antd's strictly typed FormInstance<T>.setFields fits whatever T is.
  setFields: (fields: never[]) => void;
}

type SetFields = (fields: { name: string; errors: string[] }[]) => void;

/**
 * Put the problem's `errors[]` onto the matching form fields.
 * `known` lists the form's field names (top-level); errors for other fields are returned so the
 * caller can show them elsewhere. Dotted paths (`geometry.coordinates`) match on their first segment.
 * Returns the messages that could not be attached to a field.
 */
export function applyFieldErrors(form: FieldSettable, err: unknown, known: readonly string[]): string[] {
  if (!(err instanceof ApiError)) return [errorMessage(err)];
  const errors = err.problem.errors ?? [];
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const e of errors) {
    const top = e.field.split(/[.[]/)[0] ?? e.field;
    const name = known.includes(e.field) ? e.field : known.includes(top) ? top : null;
    if (name) byField.set(name, [...(byField.get(name) ?? []), e.message]);
    else rest.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  if (byField.size) (form.setFields as SetFields)([...byField].map(([name, errs]) => ({ name, errors: errs })));
  if (!errors.length || rest.length) return [err.display, ...rest].filter((v, i, a) => a.indexOf(v) === i);
  return [];
}
