/**
 * The command pipeline (SPEC §3): resolve → validate (before any read) → idempotency →
 * load → creates/exists → expected version → require → emit → fold with transitions →
 * unique claims → append (with snapshot) → publish. Commands on one stream are serialised in
 * this process; a conflict with another process is retried when the client sent no If-Match.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError, isTuskError } from '../errors.js';
import { assertEventData, assertStateSize } from '../limits.js';
import type { AppendRequest, AppendResult, NewEvent, StoredEvent } from '../store/EventStore.js';
import type { AggregateDefinition, CommandDefinition } from './AggregateDefinition.js';
import { buildEvents } from './buildEvents.js';
import { checkRules } from './checkRules.js';
import { checkTransition } from './checkTransition.js';
import type { ExprScope } from './compileExpr.js';
import { getDefinition } from './compileAggregate.js';
import type { CommandResult, EngineContext } from './EngineContext.js';
import { checkEventSchemas } from './eventSchemas.js';
import { evolve, type AggregateState } from './evolve.js';
import { idempotencyFingerprint, replayIdempotent } from './idempotency.js';
import { loadAggregate, trustedLoad, type LoadedAggregate } from './loadAggregate.js';
import { toEventJson } from './toEventJson.js';
import { uniqueChanges } from './uniqueChanges.js';
import type { TraceContext } from '../telemetry/traceContext.js';
import { SpanNames } from '../telemetry/spanNames.js';
import type { SpanAttributes, SpanScope, Tracing } from '../telemetry/tracing.js';
import { uuidv7 } from './uuidv7.js';
import { validateInput } from './validateInput.js';

/** A command as the HTTP API (or a saga) hands it to the engine. */
export interface CommandRequest {
  aggregateType: string;
  /** Undefined only for `creates` commands: the server makes a UUIDv7. */
  aggregateId?: string;
  command: string;
  input: unknown;
  /** If-Match: the version the client last saw. */
  expectedVersion?: number;
  idempotencyKey?: string;
  correlationId?: string;
  causationId?: string;
  /** Extra metadata stored on every event (request id, user, …). */
  metadata?: Record<string, unknown>;
  /** The span the command runs under (its HTTP request's, a saga step's), when tracing is on. */
  traceParent?: SpanScope | undefined;
  /**
   * True: the command records into `traceParent` (its HTTP request's span, which its caller
   * ends) instead of a `command` span of its own: one span fewer per HTTP command (bench/README.md, tracing).
   */
  recordInParent?: boolean;
}

/** How long a command without If-Match keeps retrying conflicts with other processes. */
const DEFAULT_RETRY_BUDGET_MS = 10_000;

/** The command spans' names, `command <aggregate type>.<command>`. */
const COMMAND_SPANS = new SpanNames((type, command) => `command ${type}.${command}`);

/** Runs one command; resolves to the appended events or throws a TuskError. */
export function handleCommand(ctx: EngineContext, request: CommandRequest): Promise<CommandResult> {
  // The span the command records into (tracing on): validated, loaded and decided are its
  // events, load and append its children (issue 19). Over HTTP, the request's span itself;
  // otherwise (a saga step, …) a `command` span of its own.
  if (ctx.tracing === undefined) return measuredCommand(ctx, request, undefined);
  const parent = request.traceParent;
  if (request.recordInParent === true && parent !== undefined) {
    parent.setAttribute('tusk.aggregate_type', request.aggregateType);
    parent.setAttribute('tusk.command', request.command);
    if (request.aggregateId !== undefined) parent.setAttribute('tusk.aggregate_id', request.aggregateId);
    return measuredCommand(ctx, request, parent);
  }
  const span = ctx.tracing.begin(COMMAND_SPANS.get(request.aggregateType, request.command), parent, commandAttributes(request));
  return measuredCommand(ctx, request, span);
}

function commandAttributes(request: CommandRequest): SpanAttributes {
  const attributes: SpanAttributes = { 'tusk.aggregate_type': request.aggregateType, 'tusk.command': request.command };
  if (request.aggregateId !== undefined) attributes['tusk.aggregate_id'] = request.aggregateId;
  return attributes;
}

/** Ends the command's own span; the request span it recorded into only gets the error's code (its caller ends it). */
function endCommandSpan(ctx: EngineContext, request: CommandRequest, span: SpanScope, error?: unknown): void {
  if (request.recordInParent !== true) ctx.tracing!.finish(span, error);
  else if (isTuskError(error)) span.setAttribute('tusk.error.code', error.code);
}

async function measuredCommand(ctx: EngineContext, request: CommandRequest, span: SpanScope | undefined): Promise<CommandResult> {
  const started = performance.now();
  let outcome = 'error';
  try {
    const result = await runCommand(ctx, request, span);
    outcome = 'accepted';
    if (span !== undefined) endCommandSpan(ctx, request, span);
    return result;
  } catch (err) {
    outcome = isTuskError(err) ? err.code : 'INTERNAL';
    if (span !== undefined) endCommandSpan(ctx, request, span, err);
    throw err;
  } finally {
    ctx.observer?.commandFinished(request.aggregateType, request.command, outcome, (performance.now() - started) / 1000);
  }
}

// Not async: its throws reach measuredCommand's catch all the same, and the command costs one
// promise fewer (server CPU per command, bench/README.md).
function runCommand(ctx: EngineContext, request: CommandRequest, span: SpanScope | undefined): Promise<CommandResult> {
  const definition = getDefinition(ctx.definitions, request.aggregateType);
  const command = definition.commands.get(request.command);
  if (command === undefined) {
    throw new NotFoundError('UNKNOWN_COMMAND', `aggregate type '${definition.name}' has no command '${request.command}'`);
  }
  const input = validateInput(command.input, request.input);
  // Validating and deciding take microseconds of CPU: events of the command span mark them
  // (a span each would cost more than the step it measures; bench/README.md, tracing).
  span?.addEvent('validated');
  if (request.aggregateId === undefined && !command.creates) {
    throw new InvalidInputError(`command '${command.name}' needs an aggregate id in the path`, undefined, 'BAD_REQUEST');
  }
  const fingerprint = request.idempotencyKey === undefined ? undefined : idempotencyFingerprint(request);
  const id = request.aggregateId ?? uuidv7();
  const job: CommandJob = {
    definition,
    command,
    id,
    input,
    request,
    // With tracing on, the events carry the command span's context, so what they cause is its child.
    metadata: span === undefined ? request.metadata : withTraceContext(request.metadata, ctx.tracing!.contextOf(span)),
    fingerprint,
    span,
  };
  // An id made here is known to no other command until this one answers: nothing to queue behind
  // (the mutex's key, map entry and two promises per creating command of the default app, issue 21).
  if (request.aggregateId === undefined) return attemptLoop(ctx, job);
  return ctx.mutex.run(`${definition.name}\u0000${id}`, () => attemptLoop(ctx, job));
}

/** `metadata` and the trace context (its keys replace any the client sent), a new object. */
function withTraceContext(metadata: Record<string, unknown> | undefined, trace: TraceContext): Record<string, unknown> {
  const merged = ownCopy(metadata ?? {});
  merged.traceparent = trace.traceparent;
  if (trace.tracestate !== undefined) merged.tracestate = trace.tracestate;
  return merged;
}

/**
 * A copy of `metadata` (its own keys, in order) that takes more keys cheaply. Not a spread:
 * in V8 (Node 20) every key then added to a spread's copy missed the store caches and made
 * new map transitions (decideEvents in the server's profile; in a loop alone ~3 µs for the
 * three keys it adds against ~0.1 µs to an assigned copy: bench/README.md, http_pg_app at
 * stop 20). Object.assign would set the prototype for an own `__proto__` key, which a spread
 * keeps as a key: such metadata (rare: a library caller's, a saga's) is spread.
 */
function ownCopy(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.hasOwn(metadata, '__proto__') ? { ...metadata } : Object.assign({}, metadata);
}

/** One resolved, validated command on its way to the store. */
interface CommandJob {
  definition: AggregateDefinition;
  command: CommandDefinition;
  id: string;
  input: Record<string, unknown>;
  request: CommandRequest;
  /** The request's metadata, with the command span's trace context when tracing is on. */
  metadata: Record<string, unknown> | undefined;
  /** Identifies the command for its Idempotency-Key (undefined without a key). */
  fingerprint: string | undefined;
  /** The span the command records into (tracing on: its own, or its HTTP request's): the parent of its steps' spans. */
  span: SpanScope | undefined;
}

async function attemptLoop(ctx: EngineContext, job: CommandJob): Promise<CommandResult> {
  const { command, request, fingerprint } = job;
  // With If-Match the client decides: one attempt. Without it, a conflict only means another
  // process appended first; retry until the budget is spent (or maxAttempts, for tests).
  const single = request.expectedVersion !== undefined;
  const deadline = Date.now() + (ctx.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(ctx, job);
    } catch (err) {
      if (
        err instanceof ConflictError &&
        err.code === 'IDEMPOTENCY_CONFLICT' &&
        request.idempotencyKey !== undefined &&
        fingerprint !== undefined
      ) {
        // A concurrent request with the same key won the race: answer what it got.
        const previous = await replayIdempotent(ctx, request.idempotencyKey, fingerprint);
        if (previous !== undefined) return previous;
      }
      const retryable = err instanceof ConflictError && err.code === 'VERSION_CONFLICT' && !command.creates;
      const exhausted = single || Date.now() >= deadline || (ctx.maxAttempts !== undefined && attempt >= ctx.maxAttempts);
      if (!retryable || exhausted) throw err;
      // Another process appended to this stream: back off (growing, jittered) and reload.
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, attempt * 5) * Math.random() + 1));
    }
  }
}

async function attemptOnce(ctx: EngineContext, job: CommandJob): Promise<CommandResult> {
  const { definition, id, request, fingerprint } = job;
  // Checked inside the stream's lock, so a retry that queued behind its original sees it.
  if (request.idempotencyKey !== undefined && fingerprint !== undefined) {
    const previous = await replayIdempotent(ctx, request.idempotencyKey, fingerprint);
    if (previous !== undefined) return previous;
  }
  // A cached state is used as it is, without reading the stream's tail: if it is current, the
  // append's expected-version check passes, and only then does the command succeed. If it is
  // behind (another process appended), the command fails somewhere — a conflict, a rule, a
  // 409 on If-Match — and every such failure is decided again on the stored state before it
  // is answered. So a cache can save the command's read, but never change its answer.
  // Except a store failure: an append whose commit was not confirmed may have committed, and
  // deciding again would append the request a second time. Its answer is 503; a retry with
  // the same Idempotency-Key then returns the first result if it committed.
  // A creating command assumes a new stream the same way (no read): if it exists, it fails.
  // A state in this process's cache (or a new stream) is taken without a turn, traced or not:
  // no I/O, so an event of the command span rather than a span.
  const trusted = trustedLoad(ctx, definition, id, job.command.creates, request.aggregateId === undefined);
  if (trusted !== undefined) job.span?.addEvent('loaded', trusted.version === 0 ? LOADED_NEW : LOADED_CACHE);
  const loaded =
    trusted ?? (await tracedLoad(ctx, job, () => loadAggregate(ctx, definition, id, { trustCache: true, assumeNew: job.command.creates })));
  if (loaded.fromCache !== true) return decide(ctx, job, loaded);
  try {
    return await decide(ctx, job, loaded);
  } catch (err) {
    if (isTuskError(err) && err.code === 'STORE_UNAVAILABLE') throw err;
    return decide(ctx, job, await tracedLoad(ctx, job, () => loadAggregate(ctx, definition, id)));
  }
}

// The attributes of the `loaded` event, shared by every span that records it (spans only read them).
const LOADED_NEW: SpanAttributes = Object.freeze({ 'tusk.load.source': 'new' });
const LOADED_CACHE: SpanAttributes = Object.freeze({ 'tusk.load.source': 'cache' });

/**
 * Runs `load` and traces it (tracing on): a load that read the store is a `load` span of the
 * command; a state taken from the cache, or a new stream assumed, took no I/O and is an event
 * of the command span, as validation and the decision are (a span costs more than that step).
 */
function tracedLoad(ctx: EngineContext, job: CommandJob, load: () => Promise<LoadedAggregate>): Promise<LoadedAggregate> {
  // Tracing off: `load`'s own promise, not one more async frame around it.
  if (job.span === undefined || ctx.tracing === undefined) return load();
  return recordedLoad(ctx.tracing, job.span, load);
}

async function recordedLoad(tracing: Tracing, span: SpanScope, load: () => Promise<LoadedAggregate>): Promise<LoadedAggregate> {
  const startedAt = performance.now();
  const loaded = await load();
  if (loaded.fromCache === true) span.addEvent('loaded', loaded.version === 0 ? LOADED_NEW : LOADED_CACHE);
  else tracing.record('load', span, startedAt, { 'tusk.load.version': loaded.version });
  return loaded;
}

/** Decides the command on `loaded` and appends its events. */
async function decide(ctx: EngineContext, job: CommandJob, loaded: LoadedAggregate): Promise<CommandResult> {
  const decided = decideEvents(ctx, job, loaded);
  job.span?.addEvent('decided', { 'tusk.events': 'append' in decided ? decided.append.events.length : 0 });
  if (!('append' in decided)) return decided;
  const { append, state } = decided;
  const { definition, id } = job;
  // The append is awaited in place, traced or not (no closure, no extra promise per command):
  // with tracing on, its span is recorded once it is done.
  const startedAt = job.span === undefined ? 0 : performance.now();
  let appended: AppendResult;
  try {
    appended = await ctx.store.append(append);
  } catch (err) {
    if (job.span !== undefined) ctx.tracing!.record('append', job.span, startedAt, undefined, err);
    throw err;
  }
  if (job.span !== undefined) ctx.tracing!.record('append', job.span, startedAt, appendAttributes(appended));
  ctx.stateCache?.set(
    definition.name,
    id,
    definition.configHash,
    { version: append.events.length + loaded.version, state },
    loaded.generation,
    job.request.aggregateId === undefined,
  );
  ctx.bus.publish(appended.events);
  ctx.observer?.eventsAppended(appended.events.length);
  const last = appended.events[appended.events.length - 1]!;
  return { aggregate_id: id, version: last.version, position: Number(last.position), events: appended.events.map(toEventJson) };
}

function appendAttributes(result: AppendResult): SpanAttributes {
  const attributes: SpanAttributes = {};
  if (result.batchSize !== undefined) attributes['tusk.append.batch_size'] = result.batchSize;
  attributes['tusk.append.events'] = result.events.length;
  return attributes;
}

/** The append a command decides on `loaded` (with the state after it), or its answer when it emits nothing. */
function decideEvents(
  ctx: EngineContext,
  job: CommandJob,
  loaded: LoadedAggregate,
): CommandResult | { append: AppendRequest; state: AggregateState } {
  const { definition, command, id, input, request, fingerprint } = job;
  if (loaded.deleted === true) throw new ConflictError('STREAM_DELETED', `${definition.name} '${id}' was deleted: it is read-only`);
  if (command.creates && loaded.version > 0) throw new ConflictError('STREAM_EXISTS', `${definition.name} '${id}' already exists`);
  if (!command.creates && loaded.version === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${definition.name} '${id}' does not exist`);
  if (request.expectedVersion !== undefined && request.expectedVersion !== loaded.version) {
    throw new ConflictError(
      'VERSION_CONFLICT',
      `expected version ${request.expectedVersion} but ${definition.name} '${id}' is at ${loaded.version}`,
      {
        expected: request.expectedVersion,
        actual: loaded.version,
      },
    );
  }
  if (definition.maxEvents !== undefined && loaded.version >= definition.maxEvents) {
    throw new RuleViolationError(`${definition.name} '${id}' has reached max_events (${definition.maxEvents})`);
  }
  const now = ctx.now?.() ?? new Date();
  const requestMetadata = job.metadata ?? {};
  const scope: ExprScope = {
    roots: {
      input,
      aggregate_id: id,
      aggregate_type: definition.name,
      state: loaded.state,
      metadata: requestMetadata,
      // a Date: the evaluator reads it as its ISO text (values.ts), formatted only when named
      timestamp: now,
    },
    fields: loaded.state,
    now,
  };
  checkRules(command.rules, scope);
  // Built by assignment, not by spreading conditional objects: the same keys in the same order
  // (a key of the request's metadata keeps its place when overwritten), fewer allocations.
  const commandId = request.correlationId === undefined || request.causationId === undefined ? randomUUID() : '';
  const baseMetadata = ownCopy(requestMetadata);
  baseMetadata.correlation_id = request.correlationId ?? commandId;
  baseMetadata.causation_id = request.causationId ?? commandId;
  baseMetadata.command = command.name;
  if (request.idempotencyKey !== undefined) baseMetadata.idempotency_key = request.idempotencyKey;
  const pending = checkEventSchemas(definition.eventSchemas, buildEvents(command, scope, input, baseMetadata));
  if (pending.length === 0) return { aggregate_id: id, version: loaded.version, position: 0, events: [] };

  // Fold the new events so transitions, unique values and the snapshot see the final state.
  const newEvents: NewEvent[] = [];
  let state: AggregateState = loaded.state;
  for (const e of pending) {
    assertEventData(e.type, e.data, definition.limits.eventData);
    const event: StoredEvent = {
      id: randomUUID(),
      type: e.type,
      streamType: definition.name,
      streamId: id,
      version: loaded.version + newEvents.length + 1,
      // Not known before the append: evolve gives apply no `position` (evolve.ts says why).
      position: 0,
      eventVersion: definition.eventVersion(e.type),
      data: e.data,
      metadata: e.metadata,
      timestamp: now,
    };
    // The store takes the event as it is (a NewEvent): it reads only the fields NewEvent names.
    newEvents.push(event);
    const next = evolve(definition, state, event);
    checkTransition(definition, state, next);
    state = next;
  }
  assertStateSize(definition.name, state, definition.limits.state);

  const newVersion = loaded.version + newEvents.length;
  const freq = definition.snapshotFrequency;
  const takeSnapshot = freq !== undefined && Math.floor(newVersion / freq) > Math.floor(loaded.version / freq);
  const append: AppendRequest = {
    streamType: definition.name,
    streamId: id,
    expectedVersion: command.creates ? 'no_stream' : loaded.version,
    events: newEvents,
  };
  if (request.idempotencyKey !== undefined && fingerprint !== undefined) {
    append.idempotencyKey = request.idempotencyKey;
    append.idempotencyFingerprint = fingerprint;
  }
  if (definition.unique.length > 0) {
    const changes = uniqueChanges(definition.unique, loaded.state, state);
    // A new stream holds no value: releasing its initial state's ("" and the like) would only
    // cost every creating command a lookup in the uniques table (issue 21).
    const unique = loaded.version === 0 ? { claim: changes.claim, release: [] } : changes;
    if (unique.claim.length + unique.release.length > 0) append.unique = unique;
  }
  if (takeSnapshot) append.snapshot = { version: newVersion, state, configHash: definition.configHash };
  return { append, state };
}
