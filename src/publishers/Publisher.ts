/**
 * One delivery target of a relay: a Kafka cluster, a RabbitMQ exchange or queue, a webhook
 * endpoint. Every implementation passes one delivery suite (test/publishers/deliveryContract.ts).
 */
import type { EventJson } from '../engine/toEventJson.js';

/** Sends events somewhere, in order. */
export interface Publisher {
  /** What it delivers to, for logs (no credentials). */
  readonly target: string;
  /**
   * Delivers `events` in order and resolves once every one is acknowledged (Kafka acks = all,
   * a RabbitMQ confirm, a 2xx). Rejects with a DeliveryError that says how many leading events
   * were acknowledged and whether the target was unreachable or refused the next one.
   */
  deliver(events: readonly EventJson[]): Promise<void>;
  /** Closes connections for good (the relay has stopped). */
  close(): Promise<void>;
}
