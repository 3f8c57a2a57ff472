/**
 * The `serve` processes that run consumers on one store, and which partitions each one runs.
 * Every process renews a membership row per consumer (sql/members.ts) at a third of the lease
 * lifetime and reads who else is live. Partition `i` of a consumer belongs to the live member
 * at `(spread(consumer) + i) mod members`, in member-id order: every process computes the same
 * split from the same rows, each gets ⌊N/L⌋ or ⌈N/L⌉ of N partitions, and one-partition
 * consumers spread over the processes too. When a process starts, stops or dies (its rows
 * expire after the lease lifetime), the split changes: a worker gives up a partition that is
 * no longer its own after its batch in flight, and the new owner takes the lease once it is
 * free. Leases still decide who runs what (see LeasedLoop): the split only says who tries.
 */
import type { Logger } from 'pino';
import type { EventStore } from '../store/EventStore.js';
import { newOwnerId } from './ownerId.js';
import { endMembership, liveMembers, renewMembership } from './sql/members.js';

const fleets = new WeakMap<EventStore, Fleet>();

/** This process's membership in the fleet of one store. */
export class Fleet {
  /** This process's member id (one per store object, so two apps of one test process are two members). */
  readonly id = newOwnerId();
  private readonly ttls = new Map<string, number>();
  private members = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
  ) {}

  /** The fleet membership of this process on `store`. */
  static of(store: EventStore, logger: Logger): Fleet {
    let fleet = fleets.get(store);
    if (fleet === undefined) fleets.set(store, (fleet = new Fleet(store, logger)));
    return fleet;
  }

  /** Joins the members running `consumer` (rows renewed within `ttlMs`); resolves once the members are known. */
  async join(consumer: string, ttlMs: number): Promise<void> {
    this.ttls.set(consumer, ttlMs);
    this.members.set(consumer, this.members.get(consumer) ?? [this.id]);
    this.schedule();
    await this.refresh();
  }

  /** Leaves the members of `consumer` (on stop), so the others take its partitions at once. */
  async leave(consumer: string): Promise<void> {
    if (!this.ttls.delete(consumer)) return;
    this.members.delete(consumer);
    if (this.ttls.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await endMembership(this.store, this.store.tables, this.id, [consumer]).catch(() => undefined);
  }

  /** True when partition `index` of `count` of `consumer` is this process's to run under the current split. */
  assigned(consumer: string, index: number, count: number): boolean {
    const known = this.members.get(consumer) ?? [];
    // Until our own row is read back (or when renewing fails), count ourselves in.
    const members = known.includes(this.id) ? known : [...known, this.id].sort(byCodePoint);
    if (count <= 0 || members.length === 1) return true;
    return members[(spread(consumer) + index) % members.length] === this.id;
  }

  /** The live members of `consumer` as last read (status pages). */
  membersOf(consumer: string): readonly string[] {
    return this.members.get(consumer) ?? [];
  }

  private schedule(): void {
    const ttl = Math.min(...this.ttls.values());
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), Math.max(50, Math.floor(ttl / 3)));
    this.timer.unref();
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.renew().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async renew(): Promise<void> {
    const consumers = [...this.ttls.keys()];
    if (consumers.length === 0) return;
    try {
      await renewMembership(this.store, this.store.tables, this.id, consumers, Math.min(...this.ttls.values()));
      const live = await liveMembers(this.store, this.store.tables, consumers);
      for (const [consumer, members] of live) if (this.ttls.has(consumer)) this.members.set(consumer, members);
    } catch (err) {
      // The store is away: keep the last split; the leases still decide who runs what.
      this.logger.debug({ err }, 'fleet membership could not be renewed');
    }
  }
}

/** Sorts member ids the way the database does with COLLATE "C". */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a consumer's partition 0 falls: consumers with one partition land on different processes. */
function spread(consumer: string): number {
  let h = 0;
  for (let i = 0; i < consumer.length; i++) h = (h * 31 + consumer.charCodeAt(i)) >>> 0;
  return h;
}
