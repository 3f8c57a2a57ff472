/**
 * Starts a whole app in this process: store, runtime, HTTP server listening on a port.
 * `tusk-es serve` uses it, and so do integration tests (on a real port, over real HTTP).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { buildServer } from '../http/buildServer.js';
import { openEventStore } from '../store/index.js';
import type { EventStore } from '../store/EventStore.js';
import type { Upcaster } from '../engine/upcaster.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import type { Feature } from './Feature.js';
import { FEATURES } from './features.js';
import { Runtime } from './Runtime.js';

/** A started app. */
export interface StartedApp {
  runtime: Runtime;
  app: FastifyInstance;
  /** `http://host:port` with the port actually bound. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, stops services, closes the store. */
  close(): Promise<void>;
}

/** What can be overridden when starting an app. */
export interface StartOptions {
  port?: number;
  host?: string;
  /** Use this store instead of opening the configured one (it is still closed on close). */
  store?: EventStore;
  logger?: Logger;
  secrets?: ReadonlySet<string>;
  /** The warnings the config loaded with (shown by the admin page). */
  diagnostics?: readonly Diagnostic[];
  upcaster?: Upcaster;
  /** The features to run (default: all of FEATURES). */
  features?: readonly Feature[];
}

/** Opens the store, builds the runtime and the server, and listens. */
export async function startApp(model: AppConfig, options: StartOptions = {}): Promise<StartedApp> {
  const store = options.store ?? (await openEventStore(model.event_store));
  let runtime: Runtime;
  try {
    runtime = new Runtime({
      model,
      store,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.secrets !== undefined ? { secrets: options.secrets } : {}),
      ...(options.diagnostics !== undefined ? { diagnostics: options.diagnostics } : {}),
      upcaster: options.upcaster ?? buildUpcaster(model),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const features = options.features ?? FEATURES;
  try {
    for (const feature of features) await feature.install?.(runtime);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const app = buildServer(runtime, { extraRoutes: features.flatMap((f) => (f.routes === undefined ? [] : [f.routes])) });
  const host = options.host ?? model.server.host;
  try {
    await app.listen({ port: options.port ?? model.server.port, host });
  } catch (err) {
    await app.close();
    await runtime.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? model.server.port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    runtime,
    app,
    host,
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await runtime.close();
      })()),
  };
}
