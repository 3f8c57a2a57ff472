/**
 * Starts a whole app in this process: store, runtime, HTTP server listening on a port.
 * `tusk-es serve` uses it, and so do integration tests (on a real port, over real HTTP).
 * In tenancy modes "schema" and "database" the listening server is a front over the control
 * database that hands each tenant's requests to the tenant's own runtime (src/tenancy/shards).
 */
import type { Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema/index.js';
import { holdBackground } from '../consumers/backgroundGate.js';
import type { Diagnostic } from '../diagnostics.js';
import { buildServer } from '../http/buildServer.js';
import { openEventStore } from '../store/index.js';
import type { EventStore } from '../store/EventStore.js';
import type { Upcaster } from '../engine/upcaster.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { shareTenantGate, tenantGate } from '../tenancy/registry/tenantGate.js';
import { tenantsFeature } from '../tenancy/registry/tenantsFeature.js';
import { controlStoreConfig, shardPlan, sharded } from '../tenancy/shards/shardPlan.js';
import { setShardRouter, ShardRouter, type TenantAppFactory } from '../tenancy/shards/shardRouter.js';
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
  /** Use this store instead of opening the configured one (the control database's, when sharded); it is still closed on close. */
  store?: EventStore;
  logger?: Logger;
  secrets?: ReadonlySet<string>;
  /** The warnings the config loaded with (shown by the admin page). */
  diagnostics?: readonly Diagnostic[];
  upcaster?: Upcaster;
  /** The features to run (default: all of FEATURES). */
  features?: readonly Feature[];
  /** How long after listening the background loops wait at most for the first answer (default 1 s; see openAfterFirstAnswer). */
  backgroundDelayMs?: number;
}

/** Builds the runtime of `model` on `store` and installs `features` (closing both on failure). */
async function openRuntime(model: AppConfig, store: EventStore, options: StartOptions, features: readonly Feature[]): Promise<Runtime> {
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
  try {
    for (const feature of features) await feature.install?.(runtime);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return runtime;
}

const routesOf = (features: readonly Feature[]) => features.flatMap((f) => (f.routes === undefined ? [] : [f.routes]));

/**
 * The runtime that serves the listening server: the app's own, or in a sharded app the
 * control runtime (tenant registry and map) whose router starts each tenant's runtime.
 */
async function frontRuntime(
  model: AppConfig,
  options: StartOptions,
  features: readonly Feature[],
  hold: (store: EventStore) => EventStore,
): Promise<Runtime> {
  if (!sharded(model)) return openRuntime(model, hold(options.store ?? (await openEventStore(model.event_store))), options, features);
  const plan = shardPlan(model);
  const front = await openRuntime(model, hold(options.store ?? (await openEventStore(controlStoreConfig(model)))), options, [
    tenantsFeature,
  ]);
  const gate = tenantGate(front.store);
  const startTenant: TenantAppFactory = async (tenantModel, tenant) => {
    // The tenant's own store: its events carry `tenant` as a conjoined store's do.
    const runtime = await openRuntime(tenantModel, await openEventStore(tenantModel.event_store, { tenant }), options, features);
    // quotas and disabled tenants come from the control database's registry
    shareTenantGate(runtime.store, gate);
    // its figures are on the front's /metrics, each labelled with its tenant
    runtime.metrics.registry.setDefaultLabels({ tenant });
    const app = buildServer(runtime, { extraRoutes: routesOf(features) });
    try {
      await app.ready();
    } catch (err) {
      await runtime.close();
      throw err;
    }
    return { runtime, app, close: async () => (await app.close(), await runtime.close()) };
  };
  const router = new ShardRouter(model, plan, front.store, startTenant, gate.pauses);
  setShardRouter(front, router);
  // an operator sees every tenant's figures, a tenant's token its own only
  front.metrics.include((viewer) =>
    router
      .startedApps()
      .filter((started) => viewer === null || started.placement.tenant === viewer)
      .map((started) => started.runtime.metrics.registry),
  );
  await front.addService({ name: 'tenant runtimes', stop: () => router.close() });
  return front;
}

/** Opens the store, builds the runtime and the server, and listens. */
export async function startApp(model: AppConfig, options: StartOptions = {}): Promise<StartedApp> {
  const features = options.features ?? FEATURES;
  let openBackground = () => {};
  const runtime = await frontRuntime(model, options, features, (store) => ((openBackground = holdBackground(store)), store));
  const app = buildServer(runtime, { extraRoutes: routesOf(features) });
  const host = options.host ?? model.server.host;
  try {
    await app.listen({ port: options.port ?? model.server.port, host });
  } catch (err) {
    openBackground();
    await app.close();
    await runtime.close();
    throw err;
  }
  openAfterFirstAnswer(app.server, openBackground, options.backgroundDelayMs ?? BACKGROUND_DELAY_MS);
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

/** How long after listening the background loops wait at most for the first request to be answered. */
const BACKGROUND_DELAY_MS = 1_000;

/**
 * Calls `open` (the background gate, see consumers/backgroundGate.ts) once the server has
 * answered its first request (a health check, usually), or `delayMs` after it listens if none came.
 */
function openAfterFirstAnswer(server: Server, open: () => void, delayMs: number): void {
  const timer = setTimeout(open, delayMs).unref();
  server.once('request', (_request, response: ServerResponse) =>
    response.once('finish', () => {
      clearTimeout(timer);
      open();
    }),
  );
}
