/**
 * POSTs each event's JSON to one endpoint, one at a time (so a receiver sees an aggregate's
 * events in order). A 2xx answer is a delivery; any other answer or a timeout is a refusal
 * (retried, then dead-lettered); an endpoint that cannot be connected to is unreachable.
 */
import type { EventJson } from '../../engine/toEventJson.js';
import { traceContextOf } from '../../telemetry/traceContext.js';
import { DeliveryError } from '../DeliveryError.js';
import type { Publisher } from '../Publisher.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature.js';

/** One webhook endpoint. */
export interface WebhookOptions {
  url: string;
  secret?: string | undefined;
  timeoutMs: number;
}

// Failures to open a connection at all: the endpoint is down, not refusing this event.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** A Publisher that POSTs to a URL. */
export class WebhookPublisher implements Publisher {
  readonly target: string;

  constructor(private readonly options: WebhookOptions) {
    this.target = redactUrl(options.url);
  }

  /** Posts the events one after the other; stops at the first failure. */
  async deliver(events: readonly EventJson[]): Promise<void> {
    for (let i = 0; i < events.length; i++) {
      await this.post(events[i]!, i);
    }
  }

  private async post(event: EventJson, index: number): Promise<void> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tusk-es',
      'x-tusk-event-id': event.id,
      'x-tusk-event-type': event.type,
      ...traceContextOf(event.metadata),
    };
    // the tenant of a multi-tenant app's event, as brokers get it in their `tenant` header
    if (event.tenant !== undefined) headers['x-tusk-tenant'] = event.tenant;
    if (this.options.secret !== undefined) {
      const timestamp = Math.floor(Date.now() / 1000);
      headers[TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signWebhook(this.options.secret, timestamp, body);
    }
    let status: number;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const code = causeCode(err);
      const unreachable = !timedOut && code !== undefined && UNREACHABLE.has(code);
      const why = timedOut
        ? `no answer within ${this.options.timeoutMs} ms`
        : `${code ?? (err instanceof Error ? err.message : String(err))}`;
      throw new DeliveryError(`webhook ${this.target}: ${why}`, index, unreachable, err);
    }
    if (status < 200 || status > 299) throw new DeliveryError(`webhook ${this.target} answered ${status}`, index, false);
  }

  /** Nothing to close: fetch pools its own connections. */
  async close(): Promise<void> {}
}

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The URL without user info and query (they may hold credentials), for logs, metrics and relay names. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
