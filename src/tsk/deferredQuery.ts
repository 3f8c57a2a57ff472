/** A `@query` left unresolved because no database was given (check without --db, print). */
import type { SourceLocation } from '../diagnostics.js';

/** Stays in the value tree in place of the rows; JSON shows it as `@query(<sql>)`. */
export class DeferredQuery {
  constructor(
    readonly sql: string,
    readonly params: readonly unknown[],
    readonly location: SourceLocation,
  ) {}

  /** What `print` shows. */
  toJSON(): string {
    return `@query(${this.sql})`;
  }

  toString(): string {
    return this.toJSON();
  }
}
