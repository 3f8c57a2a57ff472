/**
 * Calls to the tusk-es API with the bearer token. The token is kept in sessionStorage (it
 * lives as long as the tab) and only ever sent in the Authorization header, never in a URL.
 */
const KEY = 'tusk-es.token';

/** An API error with the server's code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The saved token ('' when the server needs none or none was entered). */
export function token(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

/** Saves (or, with '', forgets) the token. */
export function setToken(value: string): void {
  if (value === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, value);
}

/** Request headers with the token. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const t = token();
  return t === '' ? extra : { ...extra, authorization: `Bearer ${t}` };
}

/** Calls `path` and parses the JSON answer; non-2xx becomes an ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: authHeaders(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const text = await res.text();
  const json = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) window.dispatchEvent(new Event('tusk-unauthorized'));
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
  }
  return json as T;
}

/** `path` with the defined, non-empty parameters as a query string. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** `/a/b` with each part URI-encoded. */
export function pathOf(...parts: (string | number)[]): string {
  return parts.map((p) => encodeURIComponent(String(p))).join('/');
}

/** `/aggregates/{type}/{id}` with both parts encoded. */
export function aggregatePath(type: string, id: string): string {
  return `/aggregates/${pathOf(type, id)}`;
}
