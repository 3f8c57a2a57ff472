/** Turns driver errors into the store's typed errors: unreachable database, unstorable data. */
import { InvalidInputError, StoreUnavailableError, isTuskError } from '../errors.js';
import { CommitOutcomeUnknownError, isConnectionError, sqlState } from './SqlClient.js';

// 22P05: unsupported Unicode escape (\u0000 in jsonb); 22021: bad byte sequence.
const UNSTORABLE = new Set(['22P05', '22021']);

/** The error a caller of the store should see for `err`. */
export function toStoreError(err: unknown): unknown {
  if (isTuskError(err)) return err;
  if (err instanceof CommitOutcomeUnknownError) {
    return new StoreUnavailableError(
      'the event store database did not confirm the commit, so its outcome is unknown (retry with the same Idempotency-Key)',
      err,
    );
  }
  if (isConnectionError(err)) return new StoreUnavailableError('the event store database cannot be reached', err);
  const state = sqlState(err);
  if (state !== undefined && UNSTORABLE.has(state)) {
    return new InvalidInputError('the data cannot be stored: it contains a NUL character or invalid text', [
      { field: '', message: err instanceof Error ? err.message : String(err) },
    ]);
  }
  return err;
}

/** Runs `fn`, translating its failure with toStoreError. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStoreError(err);
  }
}
