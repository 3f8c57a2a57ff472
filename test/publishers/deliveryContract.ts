/**
 * The delivery suite every publisher passes against its real target (RabbitMQ, webhooks, Kafka):
 * commands over real HTTP on an app with a real PostgreSQL; the test's own consumer records
 * what arrives. Every appended event must arrive, in order per aggregate (order of first
 * arrival; at-least-once allows duplicates, which are counted), also across a target outage.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { deliveryModel } from './deliveryModel.js';
import { eventually } from './helpers.js';

/** A target with a consumer the test controls. */
export interface DeliveryTarget {
  /** The relay under test, e.g. `rabbitmq`. */
  relay: string;
  /** `publishers` / `subscribers` blocks that deliver to it. */
  config: Record<string, unknown>;
  /** Everything the consumer received so far, in arrival order. */
  received(): readonly EventJson[];
  /** Takes the target away and brings it back at the same address; absent when the suite cannot. */
  outage?: { stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

/** Runs the delivery suite against the target made by `setup`. */
export function deliveryContract(name: string, setup: () => Promise<DeliveryTarget>, options: { timeoutMs?: number } = {}): void {
  const timeoutMs = options.timeoutMs ?? 60_000;
  // A test waits up to timeoutMs for the deliveries, after the commands and the outage themselves.
  const testTimeout = { timeout: timeoutMs + 60_000 };
  describe(`${name}: delivery`, () => {
    let target: DeliveryTarget;
    let app: TestApp;

    beforeAll(async () => {
      target = await setup();
      app = await startTestApp(deliveryModel(await createTestDatabase(inject('pgUrl')), target.config));
    });
    afterAll(async () => {
      await app?.close();
      await target?.close();
    });

    /** Runs `rounds` deposits on each of `accounts` accounts, concurrently across accounts; returns the events. */
    async function run(
      prefix: string,
      accounts: number,
      rounds: number,
      duringRound?: (round: number) => Promise<void>,
    ): Promise<EventJson[]> {
      const events: EventJson[] = [];
      const ids = Array.from({ length: accounts }, (_, i) => `${prefix}-${i}`);
      for (const id of ids) {
        const res = await app.api('POST', `/aggregates/account/${id}/commands/Open`, {});
        expect(res.status).toBe(200);
        events.push(...(res.body.events as EventJson[]));
      }
      for (let round = 0; round < rounds; round++) {
        await duringRound?.(round);
        const results = await Promise.all(
          ids.map((id) => app.api('POST', `/aggregates/account/${id}/commands/Deposit`, { amount: round + 1 })),
        );
        for (const res of results) {
          // Commands never wait for or fail because of a publisher.
          expect(res.status).toBe(200);
          events.push(...(res.body.events as EventJson[]));
        }
      }
      return events;
    }

    /** Waits until every one of `events` arrived; checks bodies and per-aggregate order; returns the duplicates. */
    async function expectDelivered(events: readonly EventJson[]): Promise<number> {
      const wanted = new Set(events.map((e) => e.id));
      const arrived = () =>
        new Set(
          target
            .received()
            .filter((e) => wanted.has(e.id))
            .map((e) => e.id),
        );
      await eventually(() => arrived().size === wanted.size, `all ${wanted.size} events at ${target.relay}`, timeoutMs);
      const byId = new Map(events.map((e) => [e.id, e]));
      const firstArrivals: EventJson[] = [];
      const seen = new Set<string>();
      let duplicates = 0;
      for (const e of target.received()) {
        if (!wanted.has(e.id)) continue;
        if (seen.has(e.id)) {
          duplicates++;
          continue;
        }
        seen.add(e.id);
        firstArrivals.push(e);
        // The body is THE event JSON (SPEC §9), the same one the command answered with.
        expect(e).toEqual(byId.get(e.id));
      }
      const versions = new Map<string, number[]>();
      for (const e of firstArrivals) versions.set(e.aggregate_id, [...(versions.get(e.aggregate_id) ?? []), e.version]);
      for (const [id, list] of versions) expect(list, `order of ${id}`).toEqual([...list].sort((a, b) => a - b));
      return duplicates;
    }

    it('every event appended during a run arrives, in order per aggregate', testTimeout, async () => {
      const events = await run('run', 6, 8);
      expect(events).toHaveLength(6 * 9);
      const duplicates = await expectDelivered(events);
      console.info(`[${name}] ${events.length} events delivered, ${duplicates} duplicates`);
      const metrics = await app.api('GET', '/metrics');
      expect(metrics.body).toMatch(new RegExp(`tusk_publisher_delivered_total\\{relay="${escape(target.relay)}"\\} \\d+`));
    });

    it(
      'a target outage in the middle of a run loses nothing (duplicates allowed, counted), and commands keep succeeding',
      testTimeout,
      async (ctx) => {
        const outage = target.outage;
        if (outage === undefined) {
          console.info(`[${name}] outage test skipped: this target cannot be stopped by the test`);
          ctx.skip();
          return;
        }
        let stopped = false;
        const retries = async () => {
          const metrics = await app.api('GET', '/metrics');
          return Number(
            new RegExp(`tusk_publisher_retries_total\\{relay="${escape(target.relay)}"\\} (\\d+)`).exec(metrics.body)?.[1] ?? 0,
          );
        };
        const events = await run('outage', 4, 10, async (round) => {
          if (round === 3) {
            await outage.stop();
            stopped = true;
          }
          // The target stays away until the relay has met the outage: a client library's own
          // retries (kafkajs retries a send for seconds) could otherwise hide a short one.
          if (round === 5) await eventually(async () => (await retries()) > 0, `${target.relay} to meet the outage`, timeoutMs);
          if (round === 7) {
            await outage.start();
            stopped = false;
          }
        });
        if (stopped) await outage.start();
        const duplicates = await expectDelivered(events);
        const retried = await retries();
        console.info(`[${name}] outage run: ${events.length} events delivered, ${duplicates} duplicates, ${retried} retries`);
        // The outage was noticed and waited out (not dead-lettered).
        expect(retried).toBeGreaterThan(0);
        const dead = await app.api('GET', `/dead-letters?relay=${encodeURIComponent(target.relay)}`);
        expect(dead.body.dead_letters).toEqual([]);
      },
    );
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
