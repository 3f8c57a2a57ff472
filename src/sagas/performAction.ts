/**
 * Dispatches a resolved action: a command through the engine (exactly once per idempotency
 * key: a repeated dispatch returns the first result) or an HTTP call (at least once; the
 * endpoint gets the same `Idempotency-Key` header every time).
 */
import { isTuskError } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { ResolvedAction, StepError } from './sagaEvents.js';
import type { TraceContext } from '../telemetry/traceContext.js';
import type { SpanScope } from '../telemetry/tracing.js';
import { nestsDeeperThan } from '../util/jsonDepth.js';

/** How a dispatch ended: a result, a failure, or cut short by shutdown (outcome unknown). */
export type ActionOutcome = { ok: true; result: unknown } | { ok: false; error: StepError } | { aborted: true };

/** Who dispatches: for the command metadata (traceability from the aggregate back to the saga). */
export interface DispatchOrigin {
  sagaId: string;
  sagaName: string;
  step: string;
  compensation: boolean;
  correlationId: string;
  causationId: string;
  /** The step's span (tracing on): the parent of the command's span. */
  span?: SpanScope | undefined;
}

// A `call` answer kept in the step log is bounded, so one endpoint cannot bloat the stream.
const MAX_CALL_RESULT = 16 * 1024;
/** The deepest call result kept as JSON (the highest `server.json_depth_limit`); a deeper one is kept as its text. */
const MAX_CALL_RESULT_DEPTH = 1000;

/** Dispatches `action` under `key`; never throws. */
export async function performAction(
  runtime: Runtime,
  action: ResolvedAction,
  key: string,
  origin: DispatchOrigin,
  shutdown: AbortSignal,
): Promise<ActionOutcome> {
  // A call continues the step's trace (traceparent header), as a webhook continues its event's.
  const trace = origin.span === undefined ? undefined : runtime.tracing?.contextOf(origin.span);
  if (action.kind === 'call') return performCall(action, key, shutdown, trace);
  try {
    const result = await runtime.command({
      aggregateType: action.aggregate_type,
      ...(action.aggregate_id !== null ? { aggregateId: action.aggregate_id } : {}),
      command: action.command,
      input: action.input,
      idempotencyKey: key,
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      traceParent: origin.span,
      metadata: {
        saga_id: origin.sagaId,
        saga: origin.sagaName,
        saga_step: origin.step,
        ...(origin.compensation ? { saga_compensation: true } : {}),
      },
    });
    return {
      ok: true,
      result: {
        aggregate_id: result.aggregate_id,
        version: result.version,
        position: result.position,
        events: result.events.map((e) => e.type),
      },
    };
  } catch (err) {
    return { ok: false, error: toStepError(err) };
  }
}

/** A thrown value as the step log records it. */
export function toStepError(err: unknown): StepError {
  if (isTuskError(err)) return { message: err.message, code: err.code, status: err.status };
  return { message: err instanceof Error ? err.message : String(err) };
}

async function performCall(
  action: Extract<ResolvedAction, { kind: 'call' }>,
  key: string,
  shutdown: AbortSignal,
  trace: TraceContext | undefined,
): Promise<ActionOutcome> {
  if (shutdown.aborted) return { aborted: true };
  const timeout = AbortSignal.timeout(action.timeout_ms);
  try {
    const res = await fetch(action.url, {
      method: action.method,
      headers: {
        ...action.headers,
        ...trace,
        'idempotency-key': key,
        ...(action.body !== null ? { 'content-type': 'application/json' } : {}),
      },
      ...(action.body !== null ? { body: JSON.stringify(action.body) } : {}),
      signal: AbortSignal.any([timeout, shutdown]),
    });
    const text = await res.text();
    if (!res.ok) {
      return {
        ok: false,
        error: {
          message: `${action.method} ${action.url} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
          status: res.status,
        },
      };
    }
    return { ok: true, result: callResult(text, res.headers.get('content-type')) };
  } catch (err) {
    if (shutdown.aborted) return { aborted: true };
    if (timeout.aborted)
      return { ok: false, error: { message: `${action.method} ${action.url} did not answer within ${action.timeout_ms} ms` } };
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return {
      ok: false,
      error: { message: `${action.method} ${action.url} failed: ${cause ?? (err instanceof Error ? err.message : String(err))}` },
    };
  }
}

function callResult(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json') === true && text.length <= MAX_CALL_RESULT) {
    try {
      const parsed = JSON.parse(text) as unknown;
      // deeper than any JSON body tusk-es accepts: storing it would throw RangeError on every write and read of the saga
      if (!nestsDeeperThan(parsed, MAX_CALL_RESULT_DEPTH)) return parsed;
    } catch {
      // not JSON after all: keep the text
    }
  }
  return text.length <= MAX_CALL_RESULT ? text : `${text.slice(0, MAX_CALL_RESULT)}…`;
}
