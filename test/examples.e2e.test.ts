/**
 * Every app in examples/ passes `check --strict` and runs the scenario its README shows,
 * against the real CLI on the embedded store.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { startServer, type ServerProcess } from './support/server.js';

const EXAMPLES = join(ROOT, 'examples');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serveExample(name: string): Promise<{
  server: ServerProcess;
  post: (path: string, body?: unknown) => Promise<{ status: number; body: any }>;
  get: (path: string) => Promise<{ status: number; body: any }>;
}> {
  const dir = mkdtempSync(join(tmpdir(), `tusk-example-${name}-`));
  dirs.push(dir);
  const server = await startServer(join(EXAMPLES, name, 'app.tsk'), { cwd: dir, env: { TUSK_DATA_DIR: join(dir, 'data') } });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json() };
  };
  return { server, post: (path, body = {}) => call('POST', path, body), get: (path) => call('GET', path) };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('examples', () => {
  it.each(readdirSync(EXAMPLES))('%s passes check --strict', async (name) => {
    const r = await runCli(['check', '--strict', join('examples', name, 'app.tsk')]);
    expect(r.stderr).toContain('0 errors, 0 warnings');
    expect(r.code).toBe(0);
  });

  it.each(readdirSync(EXAMPLES))('%s ships a scenario suite and passes it (tusk-es test)', async (name) => {
    expect(existsSync(join(EXAMPLES, name, 'app.test.tsk'))).toBe(true);
    const r = await runCli(['test', join('examples', name, 'app.tsk')]);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  });

  it('bank: a transfer completes; a transfer to a closed account is compensated and the payer is refunded', async () => {
    const { server, post, get } = await serveExample('bank');
    try {
      for (const [id, owner] of [
        ['alice', 'Alice'],
        ['bob', 'Bob'],
        ['carol', 'Carol'],
      ]) {
        expect((await post(`/aggregates/account/${id}/commands/OpenAccount`, { owner })).status).toBe(200);
      }
      expect((await post('/aggregates/account/alice/commands/Deposit', { amount: 100 })).status).toBe(200);
      const overdraft = await post('/aggregates/account/alice/commands/Withdraw', { amount: 500 });
      expect(overdraft).toMatchObject({ status: 422, body: { error: { code: 'RULE_VIOLATION', message: 'insufficient funds' } } });

      expect((await post('/aggregates/transfer/t1/commands/RequestTransfer', { from: 'alice', to: 'bob', amount: 30 })).status).toBe(200);
      await eventually(
        () => get('/projections/transfers/t1'),
        (r) => r.body.status === 'completed',
        't1 completed',
      );
      expect((await get('/projections/account_balances/alice')).body).toMatchObject({ balance: 70, owner: 'Alice' });
      expect((await get('/projections/account_balances/bob')).body).toMatchObject({ balance: 30 });

      expect((await post('/aggregates/account/carol/commands/CloseAccount')).status).toBe(200);
      expect((await post('/aggregates/transfer/t2/commands/RequestTransfer', { from: 'alice', to: 'carol', amount: 10 })).status).toBe(200);
      await eventually(
        () => get('/projections/transfers/t2'),
        (r) => r.body.status === 'failed',
        't2 failed',
      );
      await eventually(
        () => get('/sagas/money_transfer?status=compensated'),
        (r) => r.status === 200 && JSON.stringify(r.body).includes('compensated'),
        'saga compensated',
      );
      expect((await get('/aggregates/account/alice')).body.state.balance).toBe(70);
      expect((await get('/projections/account_balances/alice')).body).toMatchObject({ balance: 70 });
      expect((await get('/aggregates/account/carol')).body.state).toMatchObject({ status: 'closed', balance: 0 });
    } finally {
      await server.stop();
    }
  });

  it('todo: items are added and completed once; the read model counts open items', async () => {
    const { server, post, get } = await serveExample('todo');
    try {
      expect((await post('/aggregates/todo_list/g/commands/CreateList', { title: 'Groceries' })).status).toBe(200);
      expect((await post('/aggregates/todo_list/g/commands/AddItem', { text: 'milk' })).status).toBe(200);
      expect((await post('/aggregates/todo_list/g/commands/AddItem', { text: 'bread' })).status).toBe(200);
      expect((await post('/aggregates/todo_list/g/commands/CompleteItem', { index: 0 })).status).toBe(200);
      expect((await post('/aggregates/todo_list/g/commands/CompleteItem', { index: 0 })).body.error.message).toBe(
        'the item is already done',
      );
      expect((await post('/aggregates/todo_list/g/commands/CompleteItem', { index: 5 })).body.error.message).toBe('there is no such item');
      expect((await get('/aggregates/todo_list/g')).body.state).toEqual({ title: 'Groceries', items: ['milk', 'bread'], done: [0] });
      expect((await get('/projections/todo_lists/g')).body).toMatchObject({ title: 'Groceries', open_items: 1 });
    } finally {
      await server.stop();
    }
  });
});
