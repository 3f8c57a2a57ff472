/** The app and tokens of the sharded-tenancy tests (schema and database modes, issue 20). */
import { SignJWT } from 'jose';

export const SECRET = 'the-shard-test-secret-of-32-characters-or-more';
export const STATIC = 'static-operator-token';

/** A notes app with an async projection, on `tenancy` (a .tsk object), verified HS256 JWTs naming the tenant. */
export const shardedApp = (control: string, tenancy: string) => `
server = { auth = { tokens = ["${STATIC}"], jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
event_store = { type = "postgresql", connection = "${control}", pool_size = 4, tenancy = ${tenancy} }
projection_defaults = { poll_interval = "50ms" }
aggregates = {
    note = {
        state = { text = "" }
        commands = {
            CreateNote = { creates = true, input = { text = "string" }, emits = "NoteCreated" }
            EditNote = { input = { text = "string" }, emits = "NoteEdited" }
        }
        apply = {
            NoteCreated = { text = "data.text" }
            NoteEdited = { text = "data.text" }
        }
    }
}
projections = {
    notes = {
        table = "notes"
        mode = "async"
        events = ["NoteCreated", "NoteEdited"]
        mapping = {
            NoteCreated = { action = "upsert", fields = { id = "aggregate_id", text = "data.text" } }
            NoteEdited = { action = "upsert", fields = { id = "aggregate_id", text = "data.text" } }
        }
    }
}
`;

const tokens = new Map<string, Promise<string>>();

/** `Authorization` of a JWT for `tenant` with every scope. */
export async function tenantAuth(tenant: string): Promise<Record<string, string>> {
  let token = tokens.get(tenant);
  if (token === undefined) {
    token = new SignJWT({ tenant, scope: '*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`user-of-${tenant}`)
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(SECRET));
    tokens.set(tenant, token);
  }
  return { authorization: `Bearer ${await token}` };
}

/** `Authorization` of the static (operator) token: no tenant, every scope. */
export const operatorAuth = { authorization: `Bearer ${STATIC}` };
