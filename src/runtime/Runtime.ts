/**
 * The composition root: one runtime per running app holds the model, the store, the compiled
 * aggregates, the upcaster, the live bus, metrics and the logger. HTTP routes, projections,
 * sagas and publishers all receive this object; nothing else is global.
 */
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { compileAggregates, getDefinition } from '../engine/compileAggregate.js';
import type { AggregateDefinition } from '../engine/AggregateDefinition.js';
import type { CommandResult, EngineContext } from '../engine/EngineContext.js';
import { handleCommand, type CommandRequest } from '../engine/handleCommand.js';
import { KeyedMutex } from '../engine/keyedMutex.js';
import { LiveBus } from '../engine/liveBus.js';
import { MemoryStateCache } from '../engine/MemoryStateCache.js';
import { cacheForTenancy } from '../tenancy/tenantStateCache.js';
import { conjoined } from '../tenancy/conjoined.js';
import { getAggregate, type LoadedAggregate, type LoadOptions } from '../engine/loadAggregate.js';
import { identityUpcaster, type Upcaster } from '../engine/upcaster.js';
import type { EventStore } from '../store/EventStore.js';
import { withPersonalData } from '../personalData/withPersonalData.js';
import type { Tracing } from '../telemetry/tracing.js';
import { createLogger } from './createLogger.js';
import { RuntimeMetrics } from './metrics.js';
import { registerStoreMetrics } from './storeMetrics.js';

/** A background part of the app (consumers of the log, the saga scheduler…). */
export interface RuntimeService {
  name: string;
  start?(): Promise<void> | void;
  /** Called on shutdown, in reverse order of registration, before the store closes. */
  stop(): Promise<void> | void;
}

/** Everything needed to build a runtime. */
export interface RuntimeOptions {
  model: AppConfig;
  store: EventStore;
  logger?: Logger;
  upcaster?: Upcaster;
  /** Config values to redact from logs. */
  secrets?: ReadonlySet<string>;
  /** The warnings the config loaded with (the admin page shows them). */
  diagnostics?: readonly Diagnostic[];
  /** Close the store when the runtime closes (default true). */
  ownsStore?: boolean;
}

/** One running app. */
export class Runtime {
  readonly model: AppConfig;
  readonly store: EventStore;
  readonly logger: Logger;
  readonly metrics = new RuntimeMetrics();
  readonly bus = new LiveBus();
  readonly secrets: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
  readonly upcaster: Upcaster;
  readonly definitions: ReadonlyMap<string, AggregateDefinition>;
  readonly engine: EngineContext;
  /** OpenTelemetry tracing, when `telemetry` configures it (the telemetry feature sets it). */
  tracing?: Tracing;
  private readonly services: RuntimeService[] = [];
  private readonly ownsStore: boolean;
  private readonly stopStoreMetrics: () => void;
  private closed = false;

  constructor(options: RuntimeOptions) {
    this.model = options.model;
    // personal fields are sealed below every reader and writer of the app (src/personalData)
    this.store = withPersonalData(options.store, options.model);
    this.secrets = options.secrets ?? new Set();
    this.diagnostics = options.diagnostics ?? [];
    this.logger = options.logger ?? createLogger({ level: options.model.server.log_level, secrets: this.secrets });
    this.upcaster = options.upcaster ?? identityUpcaster;
    this.definitions = compileAggregates(options.model, this.upcaster);
    this.ownsStore = options.ownsStore ?? true;
    this.stopStoreMetrics = registerStoreMetrics(this.metrics.registry, this.store);
    this.engine = {
      store: this.store,
      definitions: this.definitions,
      upcaster: this.upcaster,
      bus: this.bus,
      mutex: new KeyedMutex(),
      observer: this.metrics,
      // In-process hot tier; the cache feature puts Redis here instead when one is configured.
      stateCache: cacheForTenancy(new MemoryStateCache(), conjoined(options.model)),
    };
  }

  /** Runs a command (HTTP, sagas). */
  command(request: CommandRequest): Promise<CommandResult> {
    return handleCommand(this.engine, request);
  }

  /** State of an aggregate, latest or temporal; 404 when it does not exist. */
  aggregate(type: string, id: string, options: LoadOptions = {}): Promise<LoadedAggregate> {
    return getAggregate(this.engine, getDefinition(this.definitions, type), id, options);
  }

  /** Registers and starts a background service; it is stopped when the runtime closes. */
  async addService(service: RuntimeService): Promise<void> {
    this.services.push(service);
    await service.start?.();
  }

  /** Stops the services (newest first), then closes the store. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const service of [...this.services].reverse()) {
      try {
        await service.stop();
      } catch (err) {
        this.logger.error({ err, service: service.name }, 'service failed to stop');
      }
    }
    this.stopStoreMetrics();
    if (this.ownsStore) await this.store.close();
  }
}
