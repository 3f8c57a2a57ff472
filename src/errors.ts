/**
 * The one error catalog: every error tusk-es reports has a stable string code, an HTTP status
 * (for the API) and a one-line description (documented in README.md; a test checks that).
 */
import type { SourceLocation } from './diagnostics.js';

/** Every stable error code, with its HTTP status and what it means. */
export const ERROR_CATALOG = {
  // .tsk language (load time)
  TSK_SYNTAX: { status: 500, description: 'The .tsk text is not well formed.' },
  TSK_DUPLICATE_KEY: { status: 500, description: 'A key appears twice in one object.' },
  TSK_UNDEFINED_VARIABLE: { status: 500, description: 'A `$name` is used before it is defined.' },
  TSK_UNSUPPORTED_OPERATOR: { status: 500, description: 'An `@operator` tusk-es does not provide.' },
  TSK_OPERATOR_ARGS: { status: 500, description: 'An operator was called with the wrong arguments.' },
  TSK_ENV_NOT_SET: { status: 500, description: 'An `@env` variable is not set and has no default.' },
  TSK_FILE: { status: 500, description: 'An `@file` include is missing, unreadable or cyclic.' },
  TSK_QUERY: { status: 500, description: 'An `@query` failed or was not read-only.' },
  TSK_EXPRESSION: { status: 500, description: 'A load-time value expression (`$a + 1`) cannot be evaluated.' },
  TSK_SECTION_ENDED: {
    status: 500,
    description: 'A note: a block statement (`name { … }`) at the start of a line ended the `[section]` above it.',
  },
  TSK_COMMENT_IN_VALUE: { status: 500, description: 'A note: a `#` ended an unquoted value (a URL fragment needs quotes).' },
  TSK_FORMAT: {
    status: 500,
    description: '`tusk-es fmt` could not lay the file out without changing how it reads, so it left it as is (a bug to report).',
  },
  // config model
  CONFIG_INVALID: { status: 500, description: 'A config value has the wrong type or form.' },
  CONFIG_UNKNOWN_KEY: { status: 500, description: 'A key inside a known block that tusk-es does not know.' },
  CONFIG_UNKNOWN_BLOCK: { status: 500, description: 'A top-level block that tusk-es does not use (a warning).' },
  CONFIG_REFERENCE: { status: 500, description: 'A config names an event, command or aggregate that is not declared.' },
  CONFIG_USER_CODE: { status: 500, description: 'A config names user code (a handler class or method) that tusk-es cannot run.' },
  CONFIG_IGNORED: { status: 500, description: 'A config key that is accepted but has no effect in tusk-es (a warning).' },
  CONFIG_SAGA_START: {
    status: 500,
    description: 'A saga reads a root that is null when it is started over HTTP instead of by its event (a warning).',
  },
  CONFIG_PERSONAL_DATA: {
    status: 500,
    description:
      'Personal data is declared without `event_store.encryption_key`, or a projection column, publisher or saga input copies a personal field without declaring it (`personal = true`).',
  },
  CONFIG_MIGRATION_CHAIN: { status: 500, description: 'Event migrations have a gap, a loop or an unknown transform.' },
  CONFIG_ARCHIVE_IN_PLACE: {
    status: 500,
    description:
      'Archival is on but the events table is not partitioned by the archived flag: archived events stay in it, flagged (a warning).',
  },
  CONFIG_SNAPSHOT_UNMAPPED: {
    status: 500,
    description:
      'An aggregate with `retention` feeds a projection that declares no `on_snapshot`: after a truncation, its rebuild misses what the removed events wrote (a warning).',
  },
  // expressions
  EXPR_SYNTAX: { status: 500, description: 'An expression is not well formed.' },
  EXPR_UNKNOWN_NAME: { status: 500, description: 'An expression names an unknown function, root or field.' },
  EXPR_ARITY: { status: 500, description: 'A function is called with the wrong number of arguments.' },
  EXPR_TYPE: { status: 500, description: 'An expression mixes types in a way that cannot work.' },
  EXPR_EVALUATION: { status: 500, description: 'An expression failed while it was evaluated.' },
  // HTTP / engine (run time)
  BAD_REQUEST: { status: 400, description: 'The request is malformed (bad JSON, bad header, bad query parameter).' },
  INVALID_INPUT: { status: 400, description: 'The command input does not match the declared `input` fields.' },
  INVALID_TEXT: {
    status: 400,
    description:
      'A string of the request (body, path or query) is not valid Unicode text: invalid UTF-8, a lone UTF-16 surrogate or a NUL character.',
  },
  JSON_TOO_DEEP: { status: 400, description: 'The JSON body nests arrays and objects deeper than `server.json_depth_limit`.' },
  FORBIDDEN_KEY: {
    status: 400,
    description: 'The JSON body has a `__proto__` key, which tusk-es refuses so that no object prototype can change.',
  },
  ID_TOO_LONG: {
    status: 400,
    description:
      'A path segment (an aggregate id, a key), the Idempotency-Key, X-Correlation-Id or X-Causation-Id is longer than `server.id_length_limit`.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The body is not `application/json` (UTF-8), or has a Content-Encoding (bodies are accepted uncompressed only).',
  },
  REQUEST_TIMEOUT: { status: 408, description: 'The request line and headers were not received in time.' },
  HEADERS_TOO_LARGE: { status: 431, description: 'The request line and headers are larger than the 16 KB Node.js accepts.' },
  EVENT_SCHEMA_VIOLATION: { status: 422, description: 'An emitted event does not match its declared schema.' },
  UNAUTHORIZED: {
    status: 401,
    description:
      'The bearer token is missing or wrong: not a static token, or a JWT that is expired, badly signed, of another issuer or audience, or without the tenant claim (`details.reason`).',
  },
  FORBIDDEN: {
    status: 403,
    description: 'The token is valid but lacks the scope the route needs (`details.scope`, e.g. `commands:order:PlaceOrder`).',
  },
  TENANT_REQUIRED: {
    status: 403,
    description:
      "The store is multi-tenant (`event_store.tenancy`) but the request's principal has no tenant (a token without the tenant claim, or a static token).",
  },
  TENANT_INVALID: {
    status: 403,
    description: 'The tenant of the request is not a tenant name (the rule is under Multi-tenancy: tenant names).',
  },
  TENANT_DISABLED: {
    status: 403,
    description: "The token's tenant is disabled or deleted in the tenant registry (`tusk-es tenant`, `/tenants`).",
  },
  TENANT_QUOTA_EXCEEDED: {
    status: 429,
    description: 'The tenant is over its `events_per_second` quota; `Retry-After` says when to try again (nothing was written).',
  },
  OPERATOR_AUTH_REQUIRED: {
    status: 403,
    description:
      'An operator action (hard delete, truncate, retention) over HTTP needs `server.auth.tokens`: without them the server has no authentication.',
  },
  TENANT_STORAGE_EXCEEDED: {
    status: 403,
    description:
      'The tenant stores its `storage_bytes` quota of event bytes or more (`details.stored_bytes`): its commands are refused, nothing written, until the quota is raised or data removed.',
  },
  NOT_FOUND: { status: 404, description: 'No such route.' },
  UNKNOWN_AGGREGATE_TYPE: { status: 404, description: 'The aggregate type is not declared.' },
  UNKNOWN_COMMAND: { status: 404, description: 'The command is not declared for the aggregate type.' },
  STREAM_NOT_FOUND: { status: 404, description: 'The aggregate (stream) does not exist.' },
  UNKNOWN_PROJECTION: { status: 404, description: 'The projection is not declared.' },
  ROW_NOT_FOUND: { status: 404, description: 'The projection has no row with that key.' },
  UNKNOWN_SAGA: { status: 404, description: 'The saga, or the saga instance, does not exist.' },
  SUBJECT_NOT_FOUND: { status: 404, description: 'No personal data was ever stored for that subject (`DELETE /subjects/{id}`).' },
  DEAD_LETTER_NOT_FOUND: { status: 404, description: 'No dead letter has that id (it may have been retried already).' },
  TENANT_NOT_FOUND: { status: 404, description: 'No tenant has that id in the tenant registry, or it was deleted.' },
  REMOVAL_NOT_FOUND: { status: 404, description: 'No stream removal (hard delete, truncate) has that id.' },
  STREAM_EXISTS: { status: 409, description: 'A `creates` command was sent to a stream that already exists.' },
  VERSION_CONFLICT: { status: 409, description: 'The expected version (`If-Match`) is not the current one.' },
  UNIQUE_VIOLATION: { status: 409, description: 'Another aggregate already holds a value of a `unique` field.' },
  IDEMPOTENCY_CONFLICT: { status: 409, description: 'The Idempotency-Key was used for a different command.' },
  RELAY_NOT_CONFIGURED: {
    status: 409,
    description:
      "The dead letter's consumer (publisher, subscriber, async projection or saga) is no longer configured, so it cannot be retried.",
  },
  REBUILD_RUNNING: { status: 409, description: 'Another process is rebuilding the projection; try again when it is done.' },
  DEAD_LETTER_HELD: {
    status: 409,
    description: 'The dead letter is held back behind a parked event of its stream; retry that one (`details.parked`), which releases it.',
  },
  TENANT_EXISTS: { status: 409, description: 'A tenant with that id exists, or existed and was deleted (ids are never reused).' },
  TENANT_BUSY: {
    status: 409,
    description:
      'Another operation holds the tenant (a live move: its lease `tenant-move/<id>`), its requests in flight did not finish in time for a move, or a move whose process died left it `copying`/`moving` (undo it: `tenant move <file> <id> --abort`, `POST /tenants/{id}/move/abort`).',
  },
  STREAM_DELETED: { status: 409, description: 'The aggregate was deleted (its stream ends with a `$deleted` tombstone): it is read-only.' },
  HISTORY_TRUNCATED: {
    status: 410,
    description: "A temporal read asked for a version or time before the stream's closing snapshot: the events before it were removed.",
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than `server.body_limit`.' },
  EVENT_TOO_LARGE: { status: 413, description: "An event's data is larger than `limits.event_data`; nothing was written." },
  STATE_TOO_LARGE: {
    status: 422,
    description: "The command would make the aggregate's state larger than `limits.state`; nothing was written.",
  },
  STRING_TOO_LONG: { status: 422, description: 'An expression would produce a string longer than `limits.string_length`.' },
  NUMBER_OUT_OF_RANGE: {
    status: 422,
    description: "An expression's arithmetic on the command's values overflows a number (or underflows to zero); nothing was written.",
  },
  SUBJECT_MISSING: {
    status: 422,
    description: 'An event carries personal fields but its `personal_data.subject` expression gives null; nothing was written.',
  },
  RULE_VIOLATION: { status: 422, description: 'A `require` rule of the command does not hold.' },
  INVALID_TRANSITION: { status: 422, description: 'The status change is not in `valid_status_transitions`.' },
  PROJECTION_FAILED: {
    status: 422,
    description:
      "A projection cannot apply events (a value its table refuses): an inline one refuses the command, a dead letter's retry stays parked; nothing was written.",
  },
  STORE_UNAVAILABLE: { status: 503, description: 'The event-store database cannot be reached.' },
  AUTH_UNAVAILABLE: { status: 503, description: 'The JWKS URL of `server.auth.jwt` cannot be read, so no JWT can be verified now.' },
  TENANT_MOVING: {
    status: 503,
    description:
      "The tenant is being moved to another shard and its request waited longer than the move's pause; `Retry-After` says when to try again (nothing was written).",
  },
  CACHE_UNAVAILABLE: {
    status: 503,
    description:
      'A tenant was deleted (and its rows purged), but Redis (`cache.url`) could not be reached to drop its cached states: repeat the `DELETE /tenants/{id}` once Redis is back.',
  },
  PROJECTION_BEHIND: {
    status: 504,
    description: 'The projection had not passed `min_position` when `wait` ran out; `details.checkpoint` says where it is.',
  },
  PUBLISH_FAILED: { status: 502, description: 'A publisher could not deliver an event (it is retried, then dead-lettered).' },
  ENCRYPTION_KEY_WRONG: {
    status: 500,
    description: '`event_store.encryption_key` is not the master key the stored subject keys were wrapped with.',
  },
  TENANT_MOVE_FAILED: {
    status: 500,
    description: 'A tenant move could not complete (`details` say why); the tenant stays at its old place, untouched, and resumes there.',
  },
  INTERNAL: { status: 500, description: 'An unexpected internal error.' },
} as const satisfies Record<string, { status: number; description: string }>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Options shared by every TuskError. */
export interface TuskErrorOptions {
  details?: unknown;
  location?: SourceLocation;
  cause?: unknown;
}

/** Base of every error tusk-es throws on purpose: a stable code, an HTTP status, details. */
export class TuskError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: TuskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = options.details;
    this.location = options.location;
  }

  /** The JSON body the HTTP API answers with. */
  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** A request or command input was rejected before anything was read or written (400). */
export class InvalidInputError extends TuskError {
  constructor(message: string, details?: unknown, code: 'INVALID_INPUT' | 'BAD_REQUEST' = 'INVALID_INPUT') {
    super(code, message, { details });
  }
}

/** Something named by the request does not exist (404). */
export class NotFoundError extends TuskError {
  constructor(
    code:
      | 'NOT_FOUND'
      | 'UNKNOWN_AGGREGATE_TYPE'
      | 'UNKNOWN_COMMAND'
      | 'STREAM_NOT_FOUND'
      | 'UNKNOWN_PROJECTION'
      | 'ROW_NOT_FOUND'
      | 'UNKNOWN_SAGA',
    message: string,
    details?: unknown,
  ) {
    super(code, message, { details });
  }
}

/** The write conflicts with the current state of the store (409). */
export class ConflictError extends TuskError {
  constructor(
    code: 'STREAM_EXISTS' | 'VERSION_CONFLICT' | 'UNIQUE_VIOLATION' | 'IDEMPOTENCY_CONFLICT' | 'STREAM_DELETED',
    message: string,
    details?: unknown,
  ) {
    super(code, message, { details });
  }
}

/** A business rule of the aggregate rejected the command (422). */
export class RuleViolationError extends TuskError {
  constructor(
    message: string,
    details?: unknown,
    code: 'RULE_VIOLATION' | 'INVALID_TRANSITION' | 'EVENT_SCHEMA_VIOLATION' = 'RULE_VIOLATION',
  ) {
    super(code, message, { details });
  }
}

/** The database (or another required backend) cannot be reached (503). */
export class StoreUnavailableError extends TuskError {
  constructor(message: string, cause?: unknown) {
    super('STORE_UNAVAILABLE', message, { cause });
  }
}

/** An expression failed at run time (a located config fault surfaced late). */
export class ExpressionError extends TuskError {
  constructor(message: string, location?: SourceLocation, cause?: unknown) {
    super('EXPR_EVALUATION', message, { location, cause });
  }
}

/**
 * An expression's arithmetic overflowed a number (or underflowed to zero) from finite values
 * (422): the values come from the request or its events, so it is their fault, not the config's.
 */
export class NumberOutOfRangeError extends TuskError {
  constructor(message: string) {
    super('NUMBER_OUT_OF_RANGE', message);
  }
}

/** Loading a config failed; carries every diagnostic found. */
export class ConfigError extends TuskError {
  readonly diagnostics: readonly import('./diagnostics.js').Diagnostic[];
  constructor(message: string, diagnostics: readonly import('./diagnostics.js').Diagnostic[]) {
    super('CONFIG_INVALID', message, { details: diagnostics });
    this.diagnostics = diagnostics;
  }
}

/** True for errors raised on purpose by tusk-es (as opposed to bugs). */
export function isTuskError(error: unknown): error is TuskError {
  return error instanceof TuskError;
}
