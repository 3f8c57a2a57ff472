/**
 * The store's own schema, as numbered migrations that are never edited once released (add a
 * new one instead). Each runs in the transaction that records it; see runMigrations.
 */
import type { StoreTables } from '../EventStore.js';

/** One schema migration. */
export interface SchemaMigration {
  version: number;
  name: string;
  statements(t: StoreTables): string[];
}

export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'event log, streams, snapshots, idempotency, unique values, checkpoints, leases',
    statements: (t) => [
      // position: the global order (commit order, see appendBatch); tx_id: the writing
      // transaction, so readers stay below the oldest transaction still in flight.
      `CREATE TABLE ${t.events} (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL,
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        version integer NOT NULL,
        type text NOT NULL,
        event_version integer NOT NULL DEFAULT 1,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        UNIQUE (stream_type, stream_id, version)
      )`,
      `CREATE INDEX ON ${t.events} (type, position)`,
      `CREATE TABLE ${t.table('streams')} (
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (stream_type, stream_id)
      )`,
      `CREATE TABLE ${t.snapshots} (
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        version integer NOT NULL,
        config_hash text NOT NULL,
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_type, stream_id)
      )`,
      `CREATE TABLE ${t.idempotency} (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        positions bigint[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${t.uniques} (
        stream_type text NOT NULL,
        field text NOT NULL,
        value text NOT NULL,
        stream_id text NOT NULL,
        PRIMARY KEY (stream_type, field, value)
      )`,
      `CREATE TABLE ${t.checkpoints} (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${t.leases} (
        name text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'publisher dead letters; store identity for the hot tier',
    statements: (t) => [
      // An event a relay gave up on after max_retries (src/publishers/README.md). The event
      // itself stays in the log: a retry reads it again by position and upcasts it anew.
      `CREATE TABLE ${t.table('dead_letters')} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        relay text NOT NULL,
        position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        attempts integer NOT NULL,
        error text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (relay, position)
      )`,
      // Redis keys carry this id, so two stores sharing one Redis (or a store recreated from
      // scratch) never read each other's cached states (src/cache/README.md).
      `CREATE TABLE ${t.table('store_identity')} (
        id uuid PRIMARY KEY,
        one boolean NOT NULL DEFAULT true UNIQUE CHECK (one)
      )`,
      `INSERT INTO ${t.table('store_identity')} (id) VALUES (gen_random_uuid())`,
    ],
  },
  {
    version: 3,
    name: 'saga instances: the scheduling index of the saga streams',
    statements: (t) => [
      // One row per saga stream, written by the sagas feature's append hook inside the append
      // transaction of the saga's own events, so it never disagrees with them (src/sagas/README.md).
      `CREATE TABLE ${t.table('saga_instances')} (
        id text PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL,
        next_due_at timestamptz,
        deadline timestamptz,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX ON ${t.table('saga_instances')} (next_due_at) WHERE next_due_at IS NOT NULL`,
      `CREATE INDEX ON ${t.table('saga_instances')} (deadline) WHERE status = 'running' AND deadline IS NOT NULL`,
      `CREATE INDEX ON ${t.table('saga_instances')} (name, status)`,
    ],
  },
  {
    version: 4,
    name: 'stream versions come from the events themselves',
    statements: (t) => [
      // A stream's version is the newest version of its events, found through their unique
      // (stream_type, stream_id, version) index; appends are serialised by the append lock, so
      // a table of versions only cost every append a second row to write (bench embedded_64).
      `DROP TABLE ${t.table('streams')}`,
    ],
  },
  {
    version: 5,
    name: 'lease fencing tokens',
    statements: (t) => [
      // Raised on every change of owner: writes under a lease check it in their own
      // transaction, so a process that lost its lease cannot write any more (src/consumers).
      `ALTER TABLE ${t.leases} ADD COLUMN token bigint NOT NULL DEFAULT 1`,
    ],
  },
  {
    version: 6,
    name: 'unique values are keyed by their sha256, so a value of any length can be claimed',
    statements: (t) => [
      // A btree entry holds at most ~2.7 KB: a long `unique` value (a 3,000-character email)
      // could not be claimed at all. The key is now the value's digest; the value stays for
      // reading, and lookups compare it too (uniqueSql.ts), so the check stays exact.
      `ALTER TABLE ${t.uniques} ADD COLUMN digest bytea`,
      `UPDATE ${t.uniques} SET digest = sha256(convert_to(value, 'UTF8'))`,
      `ALTER TABLE ${t.uniques} ALTER COLUMN digest SET NOT NULL`,
      `DO $migrate$ BEGIN
         EXECUTE (SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)
                    FROM pg_constraint c WHERE c.conrelid = ${literal(t.uniques)}::regclass AND c.contype = 'p');
       END $migrate$`,
      `ALTER TABLE ${t.uniques} ADD PRIMARY KEY (stream_type, field, digest)`,
    ],
  },
  {
    version: 7,
    name: "personal data: a data key per subject, and the streams that hold each subject's fields",
    statements: (t) => [
      // One AES-256-GCM key per data subject, wrapped by the master key (src/personalData).
      // Forgetting a subject deletes its row: every value sealed with the key is unreadable.
      `CREATE TABLE ${t.table('subject_keys')} (
        key_id uuid PRIMARY KEY,
        subject text NOT NULL UNIQUE,
        wrapped text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Which streams hold a subject's sealed fields: what forgetting must re-read (snapshots to
      // drop, projection rows to scrub). Kept after the key is gone, so a repeated forget finds them.
      `CREATE TABLE ${t.table('subject_streams')} (
        subject text NOT NULL,
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        PRIMARY KEY (subject, stream_type, stream_id)
      )`,
      `CREATE INDEX ON ${t.table('subject_streams')} (stream_type, stream_id)`,
    ],
  },
  {
    version: 8,
    name: 'the archived flag of events (archival tiers, partitioning by archived)',
    statements: (t) => [
      // True once the event's stream was moved to the archive partition (src/archive). A
      // constant default: no table rewrite, however long the log.
      `ALTER TABLE ${t.events} ADD COLUMN archived boolean NOT NULL DEFAULT false`,
    ],
  },
  {
    version: 9,
    name: 'dead letters of every consumer, parked or skipped',
    statements: (t) => [
      // One dead-letter table for every consumer of the log (src/consumers/deadLetters): the
      // column names the consumer (`publisher:<relay>`, `projection:<name>`, `saga-trigger:<saga>`),
      // and `status` says what the consumer did: `skipped` (moved on: a publisher's dead letters
      // so far), `parked` (holds its stream back) or `held` (a later event of a parked stream).
      `ALTER TABLE ${t.table('dead_letters')} RENAME COLUMN relay TO consumer`,
      `UPDATE ${t.table('dead_letters')} SET consumer = 'publisher:' || consumer`,
      `ALTER TABLE ${t.table('dead_letters')} ADD COLUMN status text NOT NULL DEFAULT 'skipped'`,
      `CREATE INDEX ON ${t.table('dead_letters')} (consumer, stream_type, stream_id, position)`,
    ],
  },
  {
    version: 10,
    name: 'the manifest of the archive files (archival to files)',
    statements: (t) => [
      // One row per gzip NDJSON file of archived events (src/store/archiveFiles), written in the
      // transaction that deletes its events from the events table: a file without a row is
      // left over from a crash and never read.
      `CREATE TABLE ${t.table('archive_files')} (
        name text PRIMARY KEY,
        events integer NOT NULL,
        sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // One row per stream per file: where a read of a stream, or of the log, finds its events.
      `CREATE TABLE ${t.table('archive_segments')} (
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        from_version integer NOT NULL,
        to_version integer NOT NULL,
        first_position bigint NOT NULL,
        last_position bigint NOT NULL,
        file text NOT NULL REFERENCES ${t.table('archive_files')} (name),
        PRIMARY KEY (stream_type, stream_id, from_version)
      )`,
      `CREATE INDEX ON ${t.table('archive_segments')} (last_position)`,
    ],
  },
  {
    version: 11,
    name: 'a tenant on every row: the key of streams, snapshots, idempotency keys, unique values, checkpoints, sagas and subjects',
    statements: (t) =>
      TENANT_TABLES.flatMap((name) => {
        const table = t.table(name);
        const rekey = TENANT_KEYS[name];
        return [
          // A constant default first (no table rewrite, however long the log): rows of a store
          // from before tenancy belong to tenant '', which no tenant name can be.
          `ALTER TABLE ${table} ADD COLUMN tenant_id text NOT NULL DEFAULT ''`,
          // New rows take the tenant of their transaction (src/tenancy: the store sets it per
          // transaction in conjoined mode; single mode never sets it, so '' as before).
          `ALTER TABLE ${table} ALTER COLUMN tenant_id SET DEFAULT ${TENANT_DEFAULT}`,
          ...(rekey === undefined ? [] : [withTenantInKey(table, rekey)]),
        ];
      }),
  },
  {
    version: 12,
    name: 'tenant registry',
    statements: (t) => [
      // The tenants an operator created (src/tenancy/registry): a disabled or deleted tenant's
      // tokens are refused; a deleted one stays as a tombstone so its id is never reused.
      `CREATE TABLE ${t.table('tenants')} (
        id text PRIMARY KEY,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'deleted')),
        events_per_second integer CHECK (events_per_second > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 13,
    name: 'stream removals: hard deletes and truncations, queued and done',
    statements: (t) => [
      // One row per removal of events (README: Retention and deletion of streams): queued by an operator
      // (pending → running → done | failed) or written done by retention. `mark` is set when the
      // removal commits, in the removal's own transaction, one greater than every mark before
      // (removals hold the append lock): a consumer batch read under an older mark is stale.
      `CREATE TABLE ${t.table('removals')} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        stream_type text NOT NULL,
        stream_id text NOT NULL,
        before_version integer,
        status text NOT NULL DEFAULT 'pending',
        events_removed bigint NOT NULL DEFAULT 0,
        error text,
        mark bigint UNIQUE,
        requested_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`,
      `CREATE INDEX ON ${t.table('removals')} (id) WHERE status IN ('pending', 'running')`,
    ],
  },
  {
    version: 14,
    name: 'tenant -> shard map',
    statements: (t) => [
      // Where each tenant of tenancy mode "schema" or "database" lives (src/tenancy/shards): its
      // shard and, on it, its schema or database. Only the control database's copy is used.
      // state: 'active' serves; others ('moving', …) are set by tenant operations.
      `CREATE TABLE ${t.table('tenant_shards')} (
        tenant text PRIMARY KEY,
        shard text NOT NULL,
        location text NOT NULL,
        state text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX ON ${t.table('tenant_shards')} (shard)`,
    ],
  },
  {
    version: 15,
    name: 'tenant storage quota',
    statements: (t) => [
      // The stored bytes of events a tenant may hold (src/tenancy/registry/tenantUsage.ts); null = no quota.
      `ALTER TABLE ${t.table('tenants')} ADD COLUMN storage_bytes bigint CHECK (storage_bytes > 0)`,
    ],
  },
  {
    version: 16,
    name: 'log epoch: bumped by every move or removal of events',
    // see src/store/sql/logEpoch.ts
    statements: (t) => [`CREATE SEQUENCE ${t.table('log_epoch')}`],
  },
  {
    version: 17,
    name: 'removals: the tenant whose stream is removed',
    // conjoined stores (README: Multi-tenancy): the background job carries a removal out as its
    // tenant, and a tenant lists its own; NULL outside tenancy
    statements: (t) => [`ALTER TABLE ${t.table('removals')} ADD COLUMN tenant text`],
  },
  {
    version: 18,
    name: 'time-ordered saga ids: the log position up to which event-started sagas keep their hash ids',
    // src/sagas/sagaIds.ts: a trigger event at or below this position that is read again (after
    // a crash, by a second reader) must find the saga it started under the old scheme.
    statements: (t) => [
      // As the system (src/tenancy): in a conjoined store row-level security would hide every
      // tenant's events from the max and refuse the row; the setting ends with the migration's transaction.
      `SELECT set_config('tusk.tenant', '*', true)`,
      `INSERT INTO ${t.checkpoints} (name, position)
       SELECT ${literal(SAGA_HASH_IDS_UNTIL)}, greatest((SELECT max(position) FROM ${t.events}),
                                                     (SELECT max(last_position) FROM ${t.table('archive_segments')}), 0)
       ON CONFLICT DO NOTHING`,
    ],
  },
];

/**
 * The checkpoint row (a log position, not a reader's) up to which event-started sagas have hash
 * ids (store migration 18; src/sagas/sagaIds.ts). 0 on a store created with the new scheme.
 */
export const SAGA_HASH_IDS_UNTIL = 'tusk-es/saga-ids/hash-until';

/**
 * The tables whose rows belong to a tenant (row-level security in conjoined mode, see
 * src/store/rowSecurity.ts). Leases, the store identity and the migration record are the system's.
 */
export const TENANT_TABLES = [
  'events',
  'snapshots',
  'idempotency',
  'uniques',
  'checkpoints',
  'dead_letters',
  'saga_instances',
  'subject_keys',
  'subject_streams',
] as const;

/** The column default of tenant_id: the transaction's tenant ('' when none is set: single mode). */
export const TENANT_DEFAULT = `coalesce(current_setting('tusk.tenant', true), '')`;

/**
 * The key each table gets tenant_id appended to (p: primary key, u: its unique constraint), so
 * that the same stream id, idempotency key, unique value, checkpoint or subject in two tenants
 * are two rows. Last in the key: lookups by the other columns still use the index as before.
 */
const TENANT_KEYS: Partial<Record<(typeof TENANT_TABLES)[number], 'p' | 'u'>> = {
  events: 'u',
  snapshots: 'p',
  idempotency: 'p',
  uniques: 'p',
  checkpoints: 'p',
  saga_instances: 'p',
  subject_keys: 'u',
  subject_streams: 'p',
};

/** A DO block that re-creates `table`'s primary key or unique constraint with tenant_id as its last column. */
function withTenantInKey(table: string, contype: 'p' | 'u'): string {
  return `DO $migrate$ DECLARE c record; BEGIN
     SELECT conname, pg_get_constraintdef(oid) AS def INTO STRICT c FROM pg_constraint
      WHERE conrelid = ${literal(table)}::regclass AND contype = '${contype}';
     EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${literal(table)}, c.conname);
     EXECUTE format('ALTER TABLE %s ADD %s', ${literal(table)}, regexp_replace(c.def, '[)]$', ', tenant_id)'));
   END $migrate$`;
}

/** A quoted SQL string literal (for the table names a DO block must look up). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
