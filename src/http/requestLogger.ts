/**
 * The logger of one request, made lazily: fastify gives every request a child of the server's
 * logger (bound to its request id), and a pino child rebuilds its log methods when it is made,
 * which cost ~3% of the server's CPU under `http_64` although a request at the default level
 * logs nothing. This stand-in answers the levels the parent has off itself, and makes the real
 * child (the same bindings, so the same lines) the first time something is logged or asked for.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** A request's logger: the parent's child with `bindings`, made on first use. */
class RequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
    // not `trace`: that is a level method (set on the prototype below)
    private readonly ids: TraceIds | undefined,
  ) {}

  /** The real child logger (made once). */
  resolve(): FastifyBaseLogger {
    if (this.real !== undefined) return this.real;
    const trace = this.ids;
    const bindings = trace === undefined ? this.bindings : { ...this.bindings, trace_id: trace.traceId, span_id: trace.spanId };
    return (this.real = this.parent.child(bindings, this.options));
  }

  get level(): LevelWithSilentOrString {
    return this.real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.resolve().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.real === undefined && this.options.level === undefined
      ? (this.parent as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level)
      : (this.resolve() as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.resolve().child(bindings, options);
  }

  silent(): void {}
}

for (const level of LEVELS) {
  Object.defineProperty(RequestLogger.prototype, level, {
    value: function (this: RequestLogger, ...args: unknown[]): void {
      if (this.isLevelEnabled(level)) this.resolve()[level](...(args as [unknown]));
    },
  });
}

/** The trace a request's lines carry (`trace_id`, `span_id`): its span's, or its client's. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * A lazily made child of `parent` with `bindings`, and `trace_id`/`span_id` from `trace` when
 * given (fastify's childLoggerFactory): nothing is copied unless the request logs.
 */
export function requestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
  trace?: TraceIds,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options, trace) as unknown as FastifyBaseLogger;
}
