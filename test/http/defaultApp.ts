/**
 * The default app (config/app.tsk) as the hostile-input tests and the fuzz suite run it: on a
 * given store, plus one `doc` aggregate whose inputs cover every input type the default app
 * lacks (any, array, object, timestamp, uuid, boolean) and a second `unique` field.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';

const DOC = {
  state: { tag: null, status: 'none' },
  unique: ['tag'],
  commands: {
    CreateDoc: {
      creates: true,
      input: {
        tag: 'string',
        body: 'any?',
        list: 'array?',
        meta: 'object?',
        at: 'timestamp?',
        ref: 'uuid?',
        flag: 'boolean?',
        size: { type: 'integer', min: 0, max: 1000, optional: true },
        kind: { type: 'string', values: ['a', 'b'], optional: true },
      },
      emits: 'DocCreated',
    },
    Retag: { input: { tag: 'string' }, emits: 'DocRetagged' },
  },
  apply: { DocCreated: { tag: 'data.tag', status: "'open'" }, DocRetagged: { tag: 'data.tag' } },
};

/** config/app.tsk plus the `doc` aggregate, on `eventStore` (raw config), with `server` settings. */
export async function defaultAppModel(eventStore: Record<string, unknown>, server: Record<string, unknown> = {}): Promise<AppConfig> {
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  if (loaded.model === undefined) throw new Error('config/app.tsk does not load');
  const extra = appSchema.parse({ event_store: eventStore, server: { port: 0, ...server }, aggregates: { doc: DOC } });
  return {
    ...loaded.model,
    event_store: extra.event_store,
    server: extra.server,
    aggregates: { ...loaded.model.aggregates, doc: extra.aggregates.doc! },
  };
}

/** Sends `bytes` on a fresh connection and resolves with everything the server wrote back. */
export function rawRequest(url: string, bytes: string | Buffer, timeoutMs = 60_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.write(bytes);
  });
}

/** The JSON bodies of the HTTP answers in `raw` (several when the connection carried several). */
export function answersOf(raw: string): { status: number; headers: string; body: any }[] {
  const out: { status: number; headers: string; body: any }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, headEnd);
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    out.push({ status: Number(head.slice(9, 12)), headers: head, body: JSON.parse(body) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return out;
}
