/**
 * Refusals of the auth hook: a typed 401/403/503 whose details name a bounded `reason`, and
 * (for 403) the scope that was missing; the hook counts each in `tusk_auth_denied_total`.
 */
import { TuskError, type ErrorCode } from '../errors.js';

/** Why a request was refused (a bounded label of `tusk_auth_denied_total`). */
export type DenialReason =
  | 'missing_token'
  | 'invalid_token'
  | 'expired'
  | 'bad_signature'
  | 'unknown_key'
  | 'claims'
  | 'no_tenant'
  | 'missing_scope'
  | 'jwks_unavailable';

/** A refusal of the auth hook. */
export class AuthDenied extends TuskError {
  constructor(
    code: ErrorCode,
    readonly reason: DenialReason,
    message: string,
    readonly scope?: string,
  ) {
    super(code, message, { details: scope === undefined ? { reason } : { reason, scope } });
  }
}

/** A 401: no token, or one that does not verify. */
export function unauthorized(reason: DenialReason, message: string): AuthDenied {
  return new AuthDenied('UNAUTHORIZED', reason, message);
}
