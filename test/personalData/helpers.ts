/** Helpers of the personal-data tests: the app, its secrets, and byte searches of a database dump. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir } from '../support/postgres.js';

/** Alice's personal values: none of them may be found at rest. */
export const ALICE = {
  email: 'alice.hidden@example.org',
  name: 'Alicia Secretname',
  address: { street: '12 Quietcrypt Lane', city: 'Vaultbury' },
};
/** Bob's, which stay readable when Alice is forgotten. */
export const BOB = {
  email: 'bob.other@example.org',
  name: 'Roberto Keptname',
  address: { street: '7 Openfield Road', city: 'Clearwater' },
};

/** The plaintexts of a subject, as they could appear anywhere. */
export function plaintexts(p: typeof ALICE): string[] {
  return [p.email, p.name, p.address.street, p.address.city];
}

/** The test app: personal fields on the user aggregate, a read model with personal columns. */
export function personalApp(store: string, extra = ''): string {
  return `
event_store = { ${store}, encryption_key = "test-master-key-that-is-long-enough-0123" }
aggregates = {
    user = {
        snapshot_frequency = 2
        personal_data = { subject = "aggregate_id", fields = ["email", "name", "address.*"] }
        commands = {
            Register = { creates = true, input = { email = "email", name = "string", address = "object", plan = "string" }, emits = "UserRegistered" }
            ChangeEmail = { input = { email = "email" }, emits = "EmailChanged" }
            ChangePlan = { input = { plan = "string" }, emits = "PlanChanged" }
        }
        apply = {
            UserRegistered = { email = "data.email", name = "data.name", address = "data.address", plan = "data.plan", changes = "0" }
            EmailChanged = { email = "data.email", changes = "changes + 1" }
            PlanChanged = { plan = "data.plan", changes = "changes + 1" }
        }
    }
}
projections = {
    users = {
        table = "users"
        events = ["UserRegistered", "EmailChanged", "PlanChanged"]
        columns = { id = "text primary key", email = { type = "text", personal = true }, name = { type = "text", personal = true }, plan = "text", changes = "integer" }
        mapping = {
            UserRegistered = { action = "insert", fields = { id = "aggregate_id", email = "LOWER(data.email)", name = "data.name", plan = "data.plan", changes = "0" } }
            EmailChanged = { action = "update", fields = { email = "COALESCE(data.email, email)", changes = "changes + 1" } }
            PlanChanged = { action = "update", fields = { plan = "data.plan", changes = "changes + 1" } }
        }
    }
}
${extra}
`;
}

/** The whole database as pg_dump writes it (plain SQL, every table's data). */
export async function pgDump(url: string): Promise<Buffer> {
  const bin = await postgresBinDir();
  const { stdout } = await promisify(execFile)(join(bin, 'pg_dump'), ['--dbname', url, '--no-owner'], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** The plaintexts found in `bytes` (as UTF-8, and inside JSON strings). */
export function found(bytes: Buffer | string, texts: readonly string[]): string[] {
  const hay = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return texts.filter((t) => hay.includes(Buffer.from(t, 'utf8')) || hay.includes(Buffer.from(t.toLowerCase(), 'utf8')));
}

/** The dump without the data of one table (a read model whose personal columns are declared, kept in clear). */
export function withoutTableData(dump: Buffer, table: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of dump.toString('utf8').split('\n')) {
    if (line.startsWith(`COPY public.${table} `)) skipping = true;
    else if (skipping && line === '\\.') skipping = false;
    else if (!skipping) out.push(line);
  }
  return out.join('\n');
}
