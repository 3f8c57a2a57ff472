/**
 * Lease owner ids: `<host>:<pid>:<uuid>`, so the lease table, GET /projections and the admin
 * page say which process of which machine runs a partition, and two runtimes of one process
 * (tests) are still two owners.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** A new owner id of this process. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}
