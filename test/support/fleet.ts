/** Several `tusk-es serve` processes of one app on one PostgreSQL, and the calls tests make to them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from './server.js';

/** A started fleet. */
export interface Fleet {
  servers: ServerProcess[];
  stop(): Promise<void>;
}

/** Writes `appText` to a temp dir and starts `count` servers of it. */
export async function startFleet(appText: string, count: number): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-fleet-'));
  writeFileSync(join(dir, 'app.tsk'), appText);
  const servers: ServerProcess[] = [];
  for (let i = 0; i < count; i++) servers.push(await startServer('app.tsk', { cwd: dir }));
  return {
    servers,
    async stop() {
      for (const s of servers) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One JSON call to `server`. */
export async function api(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The server that runs async projection `name` and one that does not (waits until both are known). */
export async function projectionOwner(
  servers: readonly ServerProcess[],
  name: string,
): Promise<{ owner: ServerProcess; other: ServerProcess }> {
  const state = async (s: ServerProcess) =>
    ((await api(s, 'GET', '/projections')).body.projections as { name: string; worker?: string }[]).find((p) => p.name === name)?.worker;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await Promise.all(servers.map(state));
    const owner = servers[states.indexOf('running')];
    const other = servers[states.indexOf('standby')];
    if (owner !== undefined && other !== undefined) return { owner, other };
    if (Date.now() > deadline) throw new Error(`no owner and standby of ${name}: ${JSON.stringify(states)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The accounts app of the cross-process projection tests on PostgreSQL `url`: an `account`
 * aggregate (`Open { owner }` → `Opened`) and the async `accounts` projection of it, polling
 * every `pollInterval` (so a test can tell a wake-up from a poll); `extraProjections` go beside it.
 */
export function accountsApp(url: string, pollInterval: string, extraProjections = ''): string {
  return `
event_store = { type = "postgresql", connection = "${url}" }
projection_defaults = { poll_interval = "${pollInterval}" }
aggregates = {
    account = {
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "Opened" }
        }
    }
}
projections = {
    accounts = {
        table = "accounts"
        mode = "async"
        events = ["Opened"]
        mapping = { Opened = { action = "insert", fields = { id = "aggregate_id", owner = "data.owner" } } }
    }
${extraProjections}}
`;
}
