/**
 * A forget in another process reaches this one's state cache. Every process caches states in
 * memory, decrypted, and a cached state is served with only the stream's tail after it read
 * again, so another process's cached plaintext would outlive the key. The fleet's way for
 * processes to hear each other is the store's NOTIFY of appends (onRemoteAppends); a forget
 * appends its `$SubjectForgotten` audit event, so on each remote append this process reads the
 * audit events after the last position it checked and, on any, drops every key and then every
 * state it caches (a forget is rare, and the event names the subject, not its streams): keys
 * first, or a load in between would decrypt with a cached key and cache the plaintext again.
 * Redis holds no state of a personal aggregate type (cacheFeature): nothing to drop there.
 * A load that read its events before the forget and caches after the drop is refused by the
 * cache (StateCache.generation).
 */
import type { Runtime } from '../runtime/Runtime.js';
import { SUBJECT_FORGOTTEN } from './forgetSubject.js';
import type { PersonalDataStore } from './PersonalDataStore.js';

/** Follows other processes' forgets until the runtime stops (a service). */
export async function followForgets(runtime: Runtime, personal: PersonalDataStore): Promise<void> {
  const store = runtime.store;
  let checked = await store.headPosition();
  let running: Promise<void> | undefined;
  let again = false;
  const check = async () => {
    for (;;) {
      const head = await store.headPosition();
      const forgets = await store.readAll({ after: checked, limit: 1, types: [SUBJECT_FORGOTTEN] });
      if (forgets.length > 0) {
        personal.keys.clear();
        runtime.engine.stateCache?.clear?.();
      }
      checked = Math.max(checked, head);
      if (!again) return;
      again = false;
    }
  };
  const wake = () => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = check()
      .catch((err: unknown) => runtime.logger.warn({ err }, 'could not check for forgotten subjects; checking again on the next append'))
      .finally(() => (running = undefined));
  };
  const unsubscribe = store.onRemoteAppends(wake);
  await runtime.addService({
    name: 'forget-evictions',
    stop: async () => {
      unsubscribe();
      await running;
    },
  });
}
