/**
 * A steady command load over real HTTP against one or more `serve` processes, for the failover
 * test and benchmark: each worker opens accounts and deposits into those it opened, alternating
 * between the servers. Each command has an Idempotency-Key and is sent again with it, as a
 * client should, while it is refused as unavailable (503, or no answer): it is then applied
 * once whether or not the attempt the database lost had committed. Every attempt is recorded.
 */

/** One attempt of a command sent by the load. */
export interface SentCommand {
  /** The command's Idempotency-Key (the same for each attempt of one command). */
  key: string;
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
  /** The deposit's amount. */
  amount?: number;
}

/** A running load. */
export interface CommandLoad {
  /** Every attempt, in the order they were sent. */
  sent: SentCommand[];
  /** The attempts answered 200 (acknowledged): one per command. */
  acked(): SentCommand[];
  /** The first attempt sent at or after `t` (performance.now()) that was acknowledged. */
  firstAckAfter(t: number): SentCommand | undefined;
  /** Commands whose last attempt was answered with something other than 200 or 503. */
  failed(): SentCommand[];
  /** Stops starting commands and waits until each one begun is acknowledged or failed. */
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
export function startCommandLoad(
  servers: readonly string[],
  options: { workers: number; prefix: string; timeoutMs?: number },
): CommandLoad {
  const sent: SentCommand[] = [];
  let running = true;

  const send = async (
    key: string,
    server: string,
    account: string,
    command: SentCommand['command'],
    body: { amount?: number },
  ): Promise<SentCommand> => {
    const record: SentCommand = {
      key,
      server,
      account,
      command,
      startedAt: performance.now(),
      endedAt: 0,
      status: 0,
      eventIds: [],
      ...body,
    };
    sent.push(record);
    try {
      const res = await fetch(`${server}/aggregates/account/${account}/commands/${command}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
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

  /** Sends one command until it is acknowledged or refused for a reason other than availability. */
  const command = async (
    key: string,
    servers: () => string,
    account: string,
    name: SentCommand['command'],
    body: { amount?: number },
  ): Promise<SentCommand> => {
    for (;;) {
      const result = await send(key, servers(), account, name, body);
      if (result.status !== 503 && result.status !== 0) return result;
      // Refusals during a failover come back at once: do not spin on them.
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const worker = async (w: number) => {
    const accounts: string[] = [];
    let turn = w;
    const next = () => servers[turn++ % servers.length]!;
    for (let i = 0; running; i++) {
      const open = accounts.length === 0 || i % 5 === 0;
      const account = open ? `${options.prefix}w${w}-${i}` : accounts[i % accounts.length]!;
      const result = await command(
        `${options.prefix}w${w}-${i}`,
        next,
        account,
        open ? 'Open' : 'Deposit',
        open ? {} : { amount: 1 + (i % 7) },
      );
      if (result.status === 200 && open) accounts.push(account);
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));

  return {
    sent,
    acked: () => sent.filter((c) => c.status === 200),
    firstAckAfter: (t) => sent.filter((c) => c.status === 200 && c.startedAt >= t).sort((a, b) => a.endedAt - b.endedAt)[0],
    failed: () => sent.filter((c) => c.endedAt > 0 && c.status !== 200 && c.status !== 503 && c.status !== 0),
    async stop() {
      running = false;
      await done;
    },
  };
}
