/**
 * Structured JSON logs (pino) with every config secret redacted, wherever it appears in a
 * message or a logged object.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redact, redactText } from '../tsk/redact.js';

/** A pino logger writing to stdout (or `destination`) that never prints a secret. */
export function createLogger(
  options: { level?: LevelWithSilent; secrets?: ReadonlySet<string>; destination?: NodeJS.WritableStream } = {},
): Logger {
  const secrets = options.secrets ?? new Set<string>();
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'tusk-es' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          if (secrets.size === 0) return method.apply(this, args);
          const clean = args.map((a: unknown) => (typeof a === 'string' ? redactText(a, secrets) : redactValue(a, secrets)));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    (options.destination ?? process.stdout) as DestinationStream,
  );
}

function redactValue(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message, secrets), stack: redactText(value.stack ?? '', secrets) };
  }
  return redact(value, secrets);
}
