/**
 * `telemetry` (issue 19): when the model sets an OTLP endpoint, tracing starts before the other
 * features (so their consumers and the server see it) and stops after them (so their last
 * spans are exported). Without one nothing is loaded and nothing is traced.
 */
import type { Feature } from '../runtime/Feature.js';
import { startTracing, stopTracing } from './tracing.js';

export const telemetryFeature: Feature = {
  name: 'telemetry',
  async install(runtime) {
    const tracing = await startTracing(runtime.model.telemetry);
    if (tracing === undefined) return;
    runtime.tracing = tracing;
    runtime.engine.tracing = tracing;
    await runtime.addService({
      name: 'telemetry',
      stop: async () => {
        delete runtime.engine.tracing;
        await stopTracing(tracing);
      },
    });
  },
};
