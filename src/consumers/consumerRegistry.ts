/**
 * The log consumers an app runs, by name, per runtime (several apps may run in one process in
 * tests): what a dead letter's retry looks its consumer up in.
 */
import type { LogConsumer } from './LogConsumer.js';

const byOwner = new WeakMap<object, Map<string, LogConsumer>>();

/** Registers `consumer` as one of `owner`'s (the runtime). */
export function registerConsumer(owner: object, consumer: LogConsumer): void {
  let consumers = byOwner.get(owner);
  if (consumers === undefined) byOwner.set(owner, (consumers = new Map<string, LogConsumer>()));
  consumers.set(consumer.name, consumer);
}

/** The consumer `name` of `owner`, if it runs one. */
export function consumerNamed(owner: object, name: string): LogConsumer | undefined {
  return byOwner.get(owner)?.get(name);
}

/** The names of `owner`'s consumers. */
export function consumerNames(owner: object): string[] {
  return [...(byOwner.get(owner)?.keys() ?? [])];
}
