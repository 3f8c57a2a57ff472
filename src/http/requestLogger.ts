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
  ) {}

  /** The real child logger (made once). */
  resolve(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
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

/** A lazily made child of `parent` with `bindings` (fastify's childLoggerFactory). */
export function requestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
