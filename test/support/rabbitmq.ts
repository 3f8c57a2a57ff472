/**
 * A throwaway RabbitMQ node for one test file: its own node name, cookie, epmd and folders, on
 * reserved loopback ports it keeps while stopped, so a test can stop the broker mid-test and
 * start it again at the same URL with its durable exchanges, queues and messages.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { ensurePackage, findExecutable, whichExecutable } from './packages.js';
import { reservePort, type PortReservation } from './ports.js';
import { awaitPidGone, childPids, spawnLogged, startReaper, stopChild, tcpAccepts, waitUntil, type Started } from './processes.js';

/** A RabbitMQ node started by `startRabbit`. */
export interface RabbitServer {
  /** `amqp://guest:guest@127.0.0.1:PORT`, the same across stop() and start(). */
  url: string;
  port: number;
  /** No management plugin (nor any other): there is no HTTP API, only AMQP. */
  managementless: true;
  /** Pid of the running Erlang VM (changes with each start()). */
  readonly pid: number;
  /** Stops the broker cleanly (SIGTERM, SIGKILL after 30 s); data and ports are kept for start(). */
  stop(): Promise<void>;
  /** Starts the broker again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good: also its epmd; removes its folders and releases the ports. */
  close(): Promise<void>;
}

// A full disk alarm would block publishers; CI's temp disks can be small.
const CONFIG = (port: number) => `
listeners.tcp.1 = 127.0.0.1:${port}
loopback_users.guest = true
disk_free_limit.absolute = 10MB
log.console = false
log.file.level = info
`;

async function acceptsAmqp(url: string): Promise<boolean> {
  try {
    const connection = await amqp.connect(url, { timeout: 2_000 });
    connection.on('error', () => undefined);
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** Starts a RabbitMQ node on reserved 127.0.0.1 ports (installing it when missing). */
export async function startRabbit(): Promise<RabbitServer> {
  const bin = await ensurePackage('rabbitmq-server', () => findExecutable(['/usr/lib/rabbitmq/bin/rabbitmq-server']));
  const epmdBin = whichExecutable('epmd');
  if (epmdBin === undefined) throw new Error('rabbitmq-server is installed but epmd (package erlang-base) is not');

  const dir = mkdtempSync(join(tmpdir(), 'tusk-rabbit-'));
  const reaper = startReaper(dir);
  const reservations: PortReservation[] = [];
  const reserve = async () => {
    const r = await reservePort();
    reservations.push(r);
    return r.port;
  };
  let epmd: Started | undefined;
  let broker: Started | undefined;
  let vm: number | undefined;
  let closed = false;

  const close = async () => {
    closed = true;
    await stop();
    if (epmd !== undefined) await stopChild(epmd, 'SIGTERM', 5_000);
    reaper.disarm();
    rmSync(dir, { recursive: true, force: true });
    for (const r of reservations) r.release();
  };
  // The broker's process group (negative pid) covers the script and the VM it runs.
  const track = () => {
    const pids: number[] = [];
    if (epmd !== undefined && !epmd.gone()) pids.push(epmd.pid);
    if (broker !== undefined && !broker.gone()) pids.push(-broker.pid);
    if (vm !== undefined) pids.push(vm);
    reaper.track(pids);
  };

  const stop = async () => {
    if (broker === undefined) return;
    // The script traps SIGTERM and stops the VM cleanly; then anything left in its group dies.
    await stopChild(broker, 'SIGTERM', 30_000, true);
    if (vm !== undefined) await awaitPidGone(vm, 5_000);
    broker = undefined;
    vm = undefined;
    track();
  };

  try {
    const port = await reserve();
    const distPort = await reserve();
    const epmdPort = await reserve();
    const url = `amqp://guest:guest@127.0.0.1:${port}`;
    const node = `tusk-${process.pid}-${randomBytes(3).toString('hex')}@localhost`;
    // Erlang reads the cookie from $HOME; a cookie of our own keeps other nodes out.
    writeFileSync(join(dir, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase(), { mode: 0o400 });
    writeFileSync(join(dir, 'rabbitmq.conf'), CONFIG(port));
    writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
    writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
    mkdirSync(join(dir, 'log'));

    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      // Never pick up a setting meant for a system node, nor systemd's socket (the script
      // would then exec the VM in place of the signal-forwarding shell we rely on).
      if (!k.startsWith('RABBITMQ_') && !k.startsWith('ERL_') && k !== 'NOTIFY_SOCKET') env[k] = v;
    }
    Object.assign(env, {
      HOME: dir,
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: String(epmdPort),
      RABBITMQ_NODENAME: node,
      RABBITMQ_USE_LONGNAME: 'false',
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
      // -start_epmd false: a node that cannot reach our epmd fails instead of starting a stray one.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
    });
    const logFile = join(dir, 'rabbitmq.out');

    const start = async () => {
      if (closed) throw new Error('this RabbitMQ was closed');
      if (broker !== undefined && !broker.gone()) return;
      if (epmd === undefined || epmd.gone()) {
        // Our own epmd on our own port: one the VM started itself would daemonize and outlive us.
        const daemon = spawnLogged(epmdBin, ['-port', String(epmdPort), '-address', '127.0.0.1'], join(dir, 'epmd.log'), { env });
        epmd = daemon;
        track();
        await waitUntil(`epmd did not start on port ${epmdPort}`, () => tcpAccepts(epmdPort), {
          timeoutMs: 10_000,
          failed: () => (daemon.gone() ? 'epmd exited' : undefined),
          logFile: join(dir, 'epmd.log'),
        });
      }
      vm = undefined;
      const child = spawnLogged(bin, [], logFile, { cwd: dir, env, detached: true });
      broker = child;
      track();
      await waitUntil(`RabbitMQ did not start on port ${port}`, () => acceptsAmqp(url), {
        timeoutMs: 120_000,
        failed: () => (child.gone() ? 'rabbitmq-server exited' : undefined),
        logFile,
      });
      vm = childPids(child.pid)[0];
      track();
    };

    await start();
    return {
      url,
      port,
      managementless: true,
      get pid() {
        return vm ?? broker?.pid ?? -1;
      },
      stop,
      start,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
