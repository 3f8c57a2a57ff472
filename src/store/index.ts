/** Opens the configured event store: embedded PGlite (the default) or PostgreSQL. */
import type { EventStoreConfig } from '../config/schema/eventStore.js';
import { FileArchiveStore } from './archiveFiles/FileArchiveStore.js';
import { TuskError } from '../errors.js';
import type { EventStore } from './EventStore.js';
import { layoutOf, versionIndexScope } from './layout/EventsLayout.js';
import { runMigrations } from './migrations/runMigrations.js';
import { SCHEMA_MIGRATIONS } from './migrations/schemaMigrations.js';
import type { PgClientOptions } from './pgClient.js';
import type { SqlClient } from './SqlClient.js';
import { SqlEventStore, type SqlEventStoreOptions } from './SqlEventStore.js';
import { storeCall } from './storeErrors.js';
import { defaultStoreTables, storeTables } from './tables.js';
import { settleRowSecurity } from './rowSecurity.js';
import { tenantScopedClient } from './tenantScopedClient.js';

export type { EventStore } from './EventStore.js';

/** Opens the store of `config`, creating or upgrading its schema. */
export async function openEventStore(config: EventStoreConfig, options: SqlEventStoreOptions = {}): Promise<EventStore> {
  // Each backend's driver is loaded only when it is used (pg or PGlite: a start pays for one).
  const tables = storeTables(config.schema, config.table_prefix);
  // a new embedded store with the default table names starts with its schema migrated
  const template = tables.events === defaultStoreTables().events ? 'store' : 'cluster';
  const client =
    config.type === 'postgresql'
      ? (await import('./pgClient.js')).createPgClient(pgOptions(config))
      : await (await import('./pgliteClient.js')).createPgliteClient(config.data_dir, { template });
  const layout = layoutOf(config.partitioning);
  const conjoined = config.tenancy?.mode === 'conjoined';
  try {
    if (conjoined && client.kind !== 'postgresql')
      throw new TuskError('CONFIG_INVALID', 'event_store.tenancy mode "conjoined" needs event_store.type = "postgresql"');
    await storeCall(() => runMigrations(client, tables, SCHEMA_MIGRATIONS, layout));
    if (client.kind === 'postgresql') await storeCall(() => settleRowSecurity(client, tables, conjoined));
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  const store = new SqlEventStore(conjoined ? tenantScopedClient(client) : client, tables, {
    ...options,
    versionIndex: versionIndexScope(layout),
    conjoined,
  });
  // the files tier reads archived events back from its directory (src/store/archiveFiles)
  return config.archive?.storage === 'files' ? new FileArchiveStore(store, config.archive.dir, options.tenant) : store;
}

/** The pg pool settings of a PostgreSQL `config`. */
export function pgOptions(config: EventStoreConfig): PgClientOptions {
  const c = config.connection;
  if (c === undefined) return { poolSize: config.pool_size };
  if (typeof c === 'string') return { connectionString: c, poolSize: config.pool_size };
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    ...(c.username !== undefined ? { user: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    poolSize: config.pool_size,
  };
}

/** For tests and tools that bring their own client. */
export type { SqlClient };
