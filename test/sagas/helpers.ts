/** Helpers of the saga tests: apps from .tsk text, an HTTP endpoint the test controls, waiting for a status. */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/index.js';
import type { AppConfig } from '../../src/config/schema/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Seed 000's saga_config exactly as the seed writes it. */
export const SEED_SAGA = readFileSync(join(FIXTURES, 'seeds', '000_saga_config.tsk'), 'utf8');
/** The `order` aggregate that declares every command of the seed saga. */
export const ORDER_AGGREGATES = readFileSync(join(FIXTURES, 'sagas', 'order_aggregates.tsk'), 'utf8');

/** The model of `text` (serve mode); throws with the diagnostics when it has errors. */
export async function modelOf(text: string): Promise<AppConfig> {
  const loaded = await loadConfigText(text, 'app.tsk', { mode: 'serve', env: {} });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loaded.model === undefined || errors.length > 0)
    throw new Error(`bad test app:\n${loaded.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`).join('\n')}`);
  return loaded.model;
}

/** One request the endpoint received. */
export interface ReceivedRequest {
  /** Epoch ms of arrival. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** How the endpoint answers: a status and body, or `hold` to keep the request open until released. */
export type EndpointAnswer = { status: number; body?: unknown } | 'hold';

/** An HTTP endpoint for `call` steps, answering as the test says and recording every request. */
export interface Endpoint {
  url: string;
  requests: ReceivedRequest[];
  /** Requests to `path` so far. */
  to(path: string): ReceivedRequest[];
  /** Resolves when `count` requests to `path` have arrived. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<void>;
  /** Answers every held request with `answer` and stops holding. */
  release(answer?: { status: number; body?: unknown }): void;
  close(): Promise<void>;
}

/** Starts an endpoint on 127.0.0.1; `answer` decides per request (the n-th to its path, 1-based). */
export async function startEndpoint(answer: (path: string, n: number, request: ReceivedRequest) => EndpointAnswer): Promise<Endpoint> {
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  const send = (res: ServerResponse, a: { status: number; body?: unknown }) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body ?? { ok: a.status < 300 }));
  };
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const received: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(received);
      const a = answer(path, requests.filter((r) => r.path === path).length, received);
      if (a === 'hold') held.push(res);
      else send(res, a);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const to = (path: string) => requests.filter((r) => r.path === path);
  return {
    url,
    requests,
    to,
    async waitFor(path, count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (to(path).length < count) {
        if (Date.now() > deadline) throw new Error(`endpoint: ${to(path).length} of ${count} requests to ${path} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    release(a = { status: 200 }) {
      for (const res of held.splice(0)) send(res, a);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON fetch against a base URL. */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Polls GET /sagas/{name}/{id} until its status is one of `statuses`; returns the view. */
export async function waitForSaga(base: string, name: string, id: string, statuses: readonly string[], timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await api(base, 'GET', `/sagas/${name}/${id}`);
    last = res.body;
    if (res.status === 200 && statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline)
      throw new Error(`saga ${id} did not reach ${statuses.join('/')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The event types of an aggregate's stream, in order. */
export async function eventTypes(base: string, type: string, id: string): Promise<string[]> {
  const res = await api(base, 'GET', `/aggregates/${type}/${id}/events`);
  if (res.status !== 200) throw new Error(`GET events of ${type}/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.events as { type: string }[]).map((e) => e.type);
}
