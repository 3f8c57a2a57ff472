/**
 * A throwaway high-availability PostgreSQL for the failover test and benchmark, from Debian's
 * packages, all on loopback: one etcd, two Patroni nodes (a primary and a synchronous standby,
 * `synchronous_mode: true`) running the suite's PostgreSQL, and HAProxy in front, which routes
 * to whichever node Patroni's REST API calls the primary. Stopped by pid; data dirs removed.
 */
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePackage, whichExecutable } from './packages.js';
import { reservePort, type PortReservation } from './ports.js';
import { postgresBinDir, runAs, tempParent } from './postgres.js';
import { awaitPidGone, pidAlive, signal, spawnLogged, startReaper, stopChild, tcpAccepts, waitUntil, type Started } from './processes.js';
import { haproxyConfig, patroniConfig } from './haClusterConfig.js';

/** One Patroni node. */
export interface HaNode {
  name: string;
  /** Patroni's REST API port. */
  restPort: number;
  /** PostgreSQL's port on this node. */
  pgPort: number;
  dataDir: string;
}

/** A cluster started by `startHaCluster`. */
export interface HaCluster {
  /** Superuser URL of the `postgres` database through HAProxy (always the primary). */
  url: string;
  nodes: HaNode[];
  /** The node whose Patroni is the leader with a running primary, if any. */
  primary(): Promise<HaNode | undefined>;
  /** Waits until one node is the primary and the other its synchronous standby. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** The pid of a node's postmaster (from its postmaster.pid). */
  postmasterPid(node: HaNode): number;
  close(): Promise<void>;
}

/** A member as Patroni's `GET /cluster` lists it. */
interface Member {
  name: string;
  role: string;
  state: string;
}

async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  } catch {
    return { status: 0, body: undefined };
  }
}

async function binaries(): Promise<{ etcd: string; patroni: string; haproxy: string; pgBin: string }> {
  const pgBin = await postgresBinDir();
  const etcd = await ensurePackage('etcd-server', () => whichExecutable('etcd'));
  const patroni = await ensurePackage('patroni', () => whichExecutable('patroni'));
  // Patroni 3.0 reaches etcd through python3-etcd, one of the alternatives its package depends on.
  await ensurePackage('python3-etcd', () => (whichPython('etcd') ? true : undefined));
  const haproxy = await ensurePackage('haproxy', () => whichExecutable('haproxy'));
  return { etcd, patroni, haproxy, pgBin };
}

function whichPython(module: string): boolean {
  return ['/usr/lib/python3/dist-packages', '/usr/local/lib/python3/dist-packages'].some((dir) => {
    try {
      readFileSync(join(dir, module, '__init__.py'));
      return true;
    } catch {
      return false;
    }
  });
}

/** Starts etcd, two Patroni nodes and HAProxy (installing the packages when missing). */
export async function startHaCluster(): Promise<HaCluster> {
  const bin = await binaries();
  const as = runAs();
  const base = mkdtempSync(join(tempParent(as), 'tusk-ha-'));
  const reaper = startReaper(base);
  const reservations: PortReservation[] = [];
  const port = async () => {
    const r = await reservePort();
    reservations.push(r);
    return r.port;
  };
  const children: Started[] = [];
  const nodes: HaNode[] = [];
  const postmasterPid = (node: HaNode): number => {
    try {
      return Number(readFileSync(join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return 0;
    }
  };
  const postmasters = () => nodes.map(postmasterPid).filter((pid) => pid > 0 && pidAlive(pid));
  const track = () => reaper.track([...children.filter((c) => !c.gone()).map((c) => c.pid), ...postmasters()]);
  const start = (name: string, command: string[], cwd: string) => {
    const child = spawnLogged(command[0]!, command.slice(1), join(base, `${name}.log`), { cwd });
    children.push(child);
    track();
    return child;
  };

  const close = async () => {
    const pids = postmasters();
    // Patroni stops its PostgreSQL on SIGTERM; a postmaster left over (a node mid-restart) goes by pid.
    for (const child of children.reverse()) await stopChild(child, 'SIGTERM', 20_000);
    for (const pid of [...pids, ...postmasters()]) {
      signal(pid, 'SIGINT');
      await awaitPidGone(pid, 10_000);
    }
    reaper.disarm();
    rmSync(base, { recursive: true, force: true });
    for (const r of reservations) r.release();
  };

  try {
    if (as !== undefined) chownSync(base, as.uid, as.gid);
    const etcdClient = await port();
    const etcdPeer = await port();
    const etcdDir = join(base, 'etcd');
    const etcd = start(
      'etcd',
      [
        bin.etcd,
        '--name',
        'tusk',
        '--data-dir',
        etcdDir,
        '--listen-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster',
        `tusk=http://127.0.0.1:${etcdPeer}`,
        '--listen-metrics-urls',
        '',
        '--log-level',
        'warn',
      ],
      base,
    );
    await waitUntil('etcd did not start', async () => (await getJson(etcdClient, '/health')).status === 200, {
      timeoutMs: 60_000,
      failed: () => (etcd.gone() ? 'etcd exited' : undefined),
      logFile: join(base, 'etcd.log'),
    });

    for (const name of ['node1', 'node2']) {
      const node: HaNode = { name, restPort: await port(), pgPort: await port(), dataDir: join(base, name, 'data') };
      nodes.push(node);
      const home = join(base, name);
      mkdirSync(home, { mode: 0o700 });
      if (as !== undefined) chownSync(home, as.uid, as.gid);
      const configFile = join(home, 'patroni.yml');
      // JSON is YAML: no YAML writer needed.
      writeFileSync(configFile, JSON.stringify(patroniConfig({ name, home, node, etcdPort: etcdClient, pgBin: bin.pgBin }), null, 2));
      if (as !== undefined) chownSync(configFile, as.uid, as.gid);
      const patroni = start(name, [...(as?.prefix ?? []), bin.patroni, configFile], home);
      // The first node bootstraps the cluster; the second then copies it (pg_basebackup).
      await waitUntil(`Patroni ${name} did not start PostgreSQL`, async () => (await getJson(node.restPort, '/health')).status === 200, {
        timeoutMs: 180_000,
        failed: () => (patroni.gone() ? `patroni ${name} exited` : undefined),
        logFile: join(base, `${name}.log`),
      });
      track();
    }

    const haproxyPort = await port();
    const haproxyFile = join(base, 'haproxy.cfg');
    writeFileSync(haproxyFile, haproxyConfig(haproxyPort, nodes));
    const haproxy = start('haproxy', [bin.haproxy, '-db', '-f', haproxyFile], base);
    const url = `postgres://postgres@127.0.0.1:${haproxyPort}/postgres`;
    await waitUntil('HAProxy did not start', () => tcpAccepts(haproxyPort), {
      timeoutMs: 30_000,
      failed: () => (haproxy.gone() ? 'haproxy exited' : undefined),
      logFile: join(base, 'haproxy.log'),
    });

    const members = async (): Promise<Member[]> => {
      for (const node of nodes) {
        const { status, body } = await getJson(node.restPort, '/cluster');
        if (status === 200) return (body as { members?: Member[] }).members ?? [];
      }
      return [];
    };
    const cluster: HaCluster = {
      url,
      nodes,
      async primary() {
        for (const node of nodes) if ((await getJson(node.restPort, '/primary')).status === 200) return node;
        return undefined;
      },
      async waitHealthy(timeoutMs = 180_000) {
        await waitUntil(
          'the HA cluster to have a primary and a running synchronous standby',
          async () => {
            const list = await members();
            return (
              list.some((m) => m.role === 'leader' && m.state === 'running') &&
              list.some((m) => m.role === 'sync_standby' && m.state === 'running')
            );
          },
          { timeoutMs, logFile: join(base, 'node1.log') },
        );
        track();
      },
      postmasterPid,
      close,
    };
    await cluster.waitHealthy();
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}
