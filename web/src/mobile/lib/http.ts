/**
 * The two requests the shared `api` client cannot make: a JSON POST with extra headers
 * (`Idempotency-Key`) and a multipart upload that reports progress (fetch cannot, XHR can).
 * Both throw the shared `ApiError`, so callers handle every failure alike.
 */
import { api, ApiError, type Problem } from '../../shared/api';
import { translate, readStoredLang } from '../../shared/i18n';

/** Network trouble rather than a refusal: worth keeping the data and retrying later. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 0 || err.status === 408 || err.status === 502 || err.status === 503 || err.status === 504;
  return err instanceof TypeError; // fetch's "Failed to fetch"
}

function lang(): string {
  return document.documentElement.lang === 'en' ? 'en' : readStoredLang();
}

/** The browser's own reason ("Failed to fetch") goes to the console, not to the user: it is English and says nothing they can act on. */
function networkError(reason?: string): ApiError {
  if (reason) console.warn('network error:', reason);
  const l = lang() === 'en' ? 'en' : 'zh-CN';
  return new ApiError({ type: 'about:blank', title: translate(l, 'error.network'), status: 0, code: 'network' });
}

function toProblem(status: number, statusText: string, text: string): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && typeof body.title === 'string') {
      return {
        ...body,
        type: body.type ?? 'about:blank',
        title: body.title,
        status: typeof body.status === 'number' ? body.status : status,
        code: typeof body.code === 'string' ? body.code : `http.${status}`,
      } as Problem;
    }
  } catch {
    /* not JSON */
  }
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status, code: `http.${status}`, detail: text.slice(0, 200) || undefined };
}

/** A 401 here means the session ended: let the shared client's handler notice (it signs the user out). */
function sessionLost(): void {
  void api.get('/api/auth/me').catch(() => undefined);
}

export async function postJson<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json, application/problem+json',
        'Accept-Language': lang(),
        'Content-Type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw networkError(err instanceof Error ? err.message : String(err));
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    if (res.status === 401) sessionLost();
    throw new ApiError(toProblem(res.status, res.statusText, text));
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface UploadResult {
  id: string;
  url: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
}

/** POST /api/uploads (multipart, field `file`) with upload progress (0…1). */
export function uploadFile(file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', lang());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(Math.min(1, e.loaded / e.total));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        try {
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } catch {
          reject(networkError('bad upload response'));
        }
        return;
      }
      if (xhr.status === 401) sessionLost();
      reject(new ApiError(toProblem(xhr.status, xhr.statusText, xhr.responseText)));
    };
    xhr.onerror = () => reject(networkError('upload failed'));
    xhr.ontimeout = () => reject(networkError('upload timed out'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

