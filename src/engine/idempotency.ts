/**
 * Idempotency keys (SPEC §3): a command whose key was already accepted returns the first
 * result and appends nothing; the same key on a different command or input is a 409.
 */
import { ConflictError } from '../errors.js';
import type { CommandRequest } from './handleCommand.js';
import type { CommandResult, EngineContext } from './EngineContext.js';
import { stableHash } from './stableHash.js';
import { toEventJson } from './toEventJson.js';

/** What identifies "the same command": type, id as the client sent it, command, raw input. */
export function idempotencyFingerprint(request: CommandRequest): string {
  return stableHash({
    type: request.aggregateType,
    id: request.aggregateId ?? null,
    command: request.command,
    input: request.input ?? null,
    expected: request.expectedVersion ?? null,
  });
}

/** The first result for `key`, undefined if the key is new; 409 if it was used differently. */
export async function replayIdempotent(ctx: EngineContext, key: string, fingerprint: string): Promise<CommandResult | undefined> {
  const found = await ctx.store.lookupIdempotency(key);
  if (found === undefined) return undefined;
  if (found.fingerprint !== fingerprint) {
    throw new ConflictError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used for a different command', {
      idempotency_key: key,
    });
  }
  const events = found.events.map((e) => toEventJson(ctx.upcaster(e)));
  const last = events[events.length - 1];
  return { aggregate_id: found.streamId, version: last?.version ?? 0, position: last?.position ?? 0, events };
}
