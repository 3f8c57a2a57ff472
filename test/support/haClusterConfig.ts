/**
 * The configuration files of the HA cluster (test/support/haCluster.ts): Patroni's (JSON, which
 * is YAML) and HAProxy's. The timings are short so a failover takes seconds, not the defaults'
 * half-minute; the README's "Running a fleet" explains what each setting is for.
 */
import type { HaNode } from './haCluster.js';

/** The Patroni configuration of one node. */
export function patroniConfig(o: { name: string; home: string; node: HaNode; etcdPort: number; pgBin: string }): Record<string, unknown> {
  const trust = ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'];
  return {
    scope: 'tusk',
    namespace: '/tusk/',
    name: o.name,
    restapi: { listen: `127.0.0.1:${o.node.restPort}`, connect_address: `127.0.0.1:${o.node.restPort}` },
    etcd3: { hosts: [`127.0.0.1:${o.etcdPort}`] },
    bootstrap: {
      dcs: {
        // The leader key lives `ttl` seconds; the HA loop runs every `loop_wait` seconds.
        ttl: 20,
        loop_wait: 1,
        retry_timeout: 5,
        // A crashed primary is failed over at once (to the synchronous standby, so no
        // acknowledged commit is lost) instead of being restarted in place.
        primary_start_timeout: 0,
        synchronous_mode: true,
        postgresql: {
          use_pg_rewind: true,
          pg_hba: trust,
          parameters: { wal_log_hints: 'on', max_connections: 100, max_wal_senders: 5, max_replication_slots: 5, hot_standby: 'on' },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C' }, 'no-sync'],
    },
    postgresql: {
      listen: `127.0.0.1:${o.node.pgPort}`,
      connect_address: `127.0.0.1:${o.node.pgPort}`,
      data_dir: o.node.dataDir,
      bin_dir: o.pgBin,
      pgpass: `${o.home}/pgpass`,
      pg_hba: trust,
      authentication: {
        superuser: { username: 'postgres', password: 'postgres' },
        replication: { username: 'replicator', password: 'replicator' },
        rewind: { username: 'postgres', password: 'postgres' },
      },
      // Only the server's own crash is tested, never the machine's: fsync is not needed.
      parameters: { unix_socket_directories: o.home, fsync: 'off', shared_buffers: '32MB' },
    },
    watchdog: { mode: 'off' },
    log: { level: 'INFO' },
  };
}

/** HAProxy: one TCP front end that routes to the node whose Patroni answers 200 on /primary. */
export function haproxyConfig(port: number, nodes: readonly HaNode[]): string {
  return `
global
    maxconn 200
defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 1s
listen postgres
    bind 127.0.0.1:${port}
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${nodes.map((n) => `    server ${n.name} 127.0.0.1:${n.pgPort} maxconn 100 check port ${n.restPort}`).join('\n')}
`;
}
