/**
 * The guard of "one move of a tenant at a time": the fleet's store lease (src/consumers/Lease.ts)
 * named `tenant-move/<tenant>` in the control database, held and renewed by the process that
 * moves the tenant. It lapses LEASE_TTL_MS after that process dies (SIGKILL, crash, lost
 * connection), so an abort (abortMove.ts) that can take it knows no move of the tenant is
 * alive, and one that cannot knows a move is running. The map's `copying`/`moving` state says
 * what the fronts do; the lease says whether anyone is still doing it.
 */
import { Lease, LeaseLost } from '../../consumers/Lease.js';
import { newOwnerId } from '../../consumers/ownerId.js';
import { TuskError } from '../../errors.js';
import type { EventStore, SqlExecutor } from '../../store/EventStore.js';

/** How long a move's lease outlives its process (renewed every third of it while the move runs). */
export const MOVE_LEASE_TTL_MS = 10_000;

/** The lease name of the moves of `tenant`. */
export function moveLeaseName(tenant: string): string {
  return `tenant-move/${tenant}`;
}

/** Takes the move lease of `tenant` on `control` for this process; TENANT_BUSY when a live move holds it. */
export async function takeMoveGuard(control: EventStore, tenant: string): Promise<Lease> {
  const lease = new Lease(control, moveLeaseName(tenant), newOwnerId(), MOVE_LEASE_TTL_MS);
  if (await lease.acquire()) return lease;
  throw new TuskError(
    'TENANT_BUSY',
    `a move of tenant "${tenant}" is running (its process holds lease "${moveLeaseName(tenant)}"; if that process died, the lease lapses within ${MOVE_LEASE_TTL_MS / 1000} s)`,
    { details: { tenant, lease: moveLeaseName(tenant) } },
  );
}

/**
 * Runs `write` (a change of the map) in a transaction of `control` that first checks `guard` is
 * still this process's: a move or abort whose lease lapsed (a long pause, a lost control
 * database) changes nothing, since another process may own the tenant now (TENANT_BUSY).
 */
export async function underGuard(
  control: EventStore,
  guard: Lease,
  tenant: string,
  write: (tx: SqlExecutor) => Promise<unknown>,
): Promise<void> {
  try {
    await control.transaction(async (tx) => {
      await guard.fence(tx);
      await write(tx);
    });
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
    throw new TuskError(
      'TENANT_BUSY',
      `this process lost the move lease of tenant "${tenant}" (paused, or cut off from the control database): the map was not changed`,
      {
        details: { tenant, lease: moveLeaseName(tenant) },
      },
    );
  }
}
