/**
 * A steady command load over real HTTP against one or more `serve` processes, for the failover
 * test and benchmark: each worker opens accounts and deposits into those it opened, alternating
 * between the servers, and every command is recorded with its timing and outcome.
 */

/** One command sent by the load. */
export interface SentCommand {
  server: string;
  account: string;
  command: 'Open' | 'Deposit';
  /** performance.now() when it was sent and when it was answered. */
  startedAt: number;
  endedAt: number;
  /** HTTP status; 0 when no answer came (connection error, timeout). */
  status: number;
  /** Ids of the events a 200 answered with. */
  eventIds: string[];
}

/** A running load. */
export interface CommandLoad {
  sent: SentCommand[];
  /** The commands answered 200 (acknowledged). */
  acked(): SentCommand[];
  /** The first command sent at or after `t` (performance.now()) that was acknowledged. */
  firstAckAfter(t: number): SentCommand | undefined;
  /** Stops sending and waits for the commands in flight. */
  stop(): Promise<void>;
}

/** The account model the load expects (`.tsk` text to put in an app's `aggregates`). */
export const LOAD_AGGREGATE = `
    account = {
        state = { balance = 0, status = "none" }
        commands = {
            Open = { creates = true, emits = "Opened" }
            Deposit = { input = { amount = "integer" }, emits = "Deposited" }
            Confirm = { require = ["status == 'open'"], emits = "Confirmed" }
        }
        apply = {
            Opened = { status = "'open'" }
            Deposited = { balance = "balance + data.amount" }
            Confirmed = { status = "'confirmed'" }
        }
    }`;

/** Starts `workers` workers sending commands to `servers` (base URLs) until stop(). */
export function startCommandLoad(servers: readonly string[], options: { workers: number; prefix: string; timeoutMs?: number }): CommandLoad {
  const sent: SentCommand[] = [];
  let running = true;

  const send = async (server: string, account: string, command: SentCommand['command'], body: unknown): Promise<SentCommand> => {
    const record: SentCommand = { server, account, command, startedAt: performance.now(), endedAt: 0, status: 0, eventIds: [] };
    sent.push(record);
    try {
      const res = await fetch(`${server}/aggregates/account/${account}/commands/${command}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const json = (await res.json().catch(() => undefined)) as { events?: { id: string }[] } | undefined;
      record.status = res.status;
      if (res.status === 200) record.eventIds = (json?.events ?? []).map((e) => e.id);
    } catch {
      record.status = 0;
    }
    record.endedAt = performance.now();
    return record;
  };

  const worker = async (w: number) => {
    const accounts: string[] = [];
    for (let i = 0; running; i++) {
      const server = servers[(w + i) % servers.length]!;
      const open = accounts.length === 0 || i % 5 === 0;
      const account = open ? `${options.prefix}w${w}-${i}` : accounts[i % accounts.length]!;
      const result = await send(server, account, open ? 'Open' : 'Deposit', open ? {} : { amount: 1 + (i % 7) });
      if (result.status === 200 && open) accounts.push(account);
      // Refusals during a failover come back at once: do not spin on them.
      if (result.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));

  return {
    sent,
    acked: () => sent.filter((c) => c.status === 200),
    firstAckAfter: (t) => sent.filter((c) => c.status === 200 && c.startedAt >= t).sort((a, b) => a.endedAt - b.endedAt)[0],
    async stop() {
      running = false;
      await done;
    },
  };
}
