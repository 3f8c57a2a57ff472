/**
 * The archive job of `serve`: every `event_store.archive.interval`, one process of the fleet
 * (the holder of the `archive` lease) runs runArchive. `tusk-es archive` runs the same, once.
 */
import type { Feature } from '../runtime/Feature.js';
import { archiveRules, archives } from './archiveRules.js';
import { runArchive } from './runArchive.js';

const LEASE = 'tusk-es/archive';

export const archiveFeature: Feature = {
  name: 'archive',
  async install(runtime) {
    if (!archives(runtime.model)) return;
    const interval = runtime.model.event_store.archive?.interval ?? 60_000;
    const batchSize = runtime.model.event_store.archive?.batch_size ?? 1000;
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const logger = runtime.logger.child({ component: 'archive' });
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      try {
        const token = await runtime.store.acquireLease(LEASE, owner, interval * 3);
        if (token === undefined) return;
        const result = await runArchive(runtime.store, archiveRules(runtime.model), { batchSize, stopped: () => stopped });
        if (result.events > 0) logger.info({ streams: result.streams, events: result.events }, 'archived');
      } catch (err) {
        logger.warn({ err }, 'archive run failed; retried at the next interval');
      }
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        running = tick().finally(schedule);
      }, interval);
      timer.unref();
    };
    await runtime.addService({
      name: 'archive',
      start: () => {
        running = tick().finally(schedule);
      },
      stop: async () => {
        stopped = true;
        if (timer !== undefined) clearTimeout(timer);
        await running;
        await runtime.store.releaseLease(LEASE, owner).catch(() => undefined);
      },
    });
  },
};
