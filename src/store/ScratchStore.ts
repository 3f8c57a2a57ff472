/**
 * One in-memory embedded store (PGlite) reused for many short runs: `fresh()` empties it and
 * hands out a new EventStore on it. Scenario tests use it, so a suite pays for starting
 * PostgreSQL once, not once per scenario. Each EventStore keeps in-process memory of stream
 * versions, so a fresh one (never a reused one) goes with each emptied database.
 *
 * Starting PGlite runs initdb, which costs seconds of CPU; the migrated, empty database is
 * kept as an image in the temp directory (keyed by PGlite's version and the store schema)
 * and later runs start from it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventStore } from './EventStore.js';
import { runMigrations } from './migrations/runMigrations.js';
import { SCHEMA_MIGRATIONS } from './migrations/schemaMigrations.js';
import { createPgliteClient, type EmbeddedClient } from './pgliteClient.js';
import type { SqlClient } from './SqlClient.js';
import { SqlEventStore } from './SqlEventStore.js';
import { emptyTables } from './sql/emptyTables.js';
import { storeTables } from './tables.js';

/** An in-memory store that can be emptied between uses. */
export class ScratchStore {
  private static readonly tables = storeTables('public', '');
  private current: EventStore | undefined;

  private constructor(private readonly client: SqlClient) {}

  /** Starts the in-memory database (from the cached image when there is one) with the store schema. */
  static async open(): Promise<ScratchStore> {
    const file = imageFile();
    const image = readImage(file);
    let client: EmbeddedClient;
    try {
      client = await createPgliteClient('memory://', image === undefined ? {} : { image });
    } catch {
      // an unreadable image (a crash while it was written elsewhere): start from scratch
      client = await createPgliteClient('memory://');
    }
    const applied = await runMigrations(client, ScratchStore.tables);
    if (applied.length > 0) await writeImage(file, await client.dumpImage());
    return new ScratchStore(client);
  }

  /** An empty store; the previous one must not be used any more. */
  async fresh(): Promise<EventStore> {
    if (this.current !== undefined) await emptyTables(this.client, ScratchStore.tables);
    // closing a handed-out store must leave the shared database open
    const shared: SqlClient = { ...this.client, close: () => Promise.resolve() };
    this.current = new SqlEventStore(shared, ScratchStore.tables);
    return this.current;
  }

  /** Closes the database. */
  close(): Promise<void> {
    return this.client.close();
  }
}

function imageFile(): string {
  return join(tmpdir(), 'tusk-es', `scratch-pglite-${pgliteVersion()}-schema-${SCHEMA_MIGRATIONS.length}.tar`);
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version !== undefined) return pkg.version;
    } catch {
      // not this directory
    }
  }
  return 'unknown';
}

function readImage(file: string): Blob | undefined {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Written under a temporary name and renamed, so a reader never sees half an image. */
async function writeImage(file: string, image: Blob): Promise<void> {
  try {
    const bytes = Buffer.from(await image.arrayBuffer());
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
  } catch {
    // a cache only: the next run starts PGlite from scratch again
  }
}
