/**
 * What loading a .tsk file produces: a plain value tree, a source map from every path in it
 * to the text it came from, the diagnostics found, and the secret values to redact.
 */
import type { Diagnostic, SourceLocation } from '../diagnostics.js';

/** A path into a value tree: object keys and array indexes. */
export type Path = readonly (string | number)[];

/** Where one value (and, for object entries, its key) was written. */
export interface PathLocation {
  key?: SourceLocation;
  value: SourceLocation;
}

/** Maps value paths to source locations; `locate` falls back to the nearest ancestor. */
export interface SourceMap {
  get(path: Path): PathLocation | undefined;
  locate(path: Path): SourceLocation | undefined;
  set(path: Path, location: PathLocation): void;
}

/** Runs a read-only SQL query for `@query`; supplied once a store is open. */
export type QueryRunner = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** How a file is being loaded: `check` turns some errors into warnings, `serve` does not. */
export type LoadMode = 'check' | 'serve' | 'print';

export interface LoadOptions {
  mode: LoadMode;
  /** Environment for `@env` (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Runs `@query`; without it `@query` stays a DeferredQuery in the tree. */
  query?: QueryRunner;
  /** Load time for `@date` (defaults to now). */
  now?: Date;
  /** Directories besides the root file's folder that `@file` may read (CLI `--allow-root`). */
  allowRoots?: readonly string[];
}

/** The result of loading one .tsk file (and the files it includes). */
export interface TskDocument {
  file: string;
  value: Record<string, unknown>;
  sourceMap: SourceMap;
  diagnostics: Diagnostic[];
  /** Values that came from `@env.secure`: shown as `***` by print, logs and errors. */
  secrets: ReadonlySet<string>;
}
