/** What an operator sees: its call, and the load it is part of. */
import type { Diagnostic, SourceLocation } from '../../diagnostics.js';
import type { LoadOptions, Path } from '../document.js';
import type { OperatorAst } from '../ast.js';
import type { PathSourceMap } from '../sourceMap.js';

/** State shared by a file and every file it includes. */
export interface LoadContext {
  options: LoadOptions;
  diagnostics: Diagnostic[];
  secrets: Set<string>;
  /** Absolute paths of the files being loaded, outermost first (for include cycles). */
  includeStack: string[];
  /** How many `@query` calls were seen (so the resolve pass can be skipped). */
  queryCount: number;
  /** Directories `@file` may read under (realpaths): the root file's folder, then --allow-root. */
  roots: string[];
  /** Loads an included file (sync) with this same context; set by the loader. `written` is the path as in the call. */
  include: (displayPath: string, at: SourceLocation, written: string) => IncludedFile | undefined;
}

/** A file loaded by `@file`: its value and its own source map. */
export interface IncludedFile {
  value: Record<string, unknown>;
  sourceMap: PathSourceMap;
}

/** One evaluated operator call. */
export interface OperatorCall {
  name: string;
  args: unknown[];
  ast: OperatorAst;
  location: SourceLocation;
  /** The file the call is written in (as shown in locations). */
  file: string;
  /** Where the result goes in the value tree, and the map to record included locations in. */
  path: Path;
  sourceMap: PathSourceMap;
  context: LoadContext;
}

/** The operators tusk-es provides, in the order the error message lists them. */
export const SUPPORTED_OPERATORS = ['@env', '@env.secure', '@query', '@file', '@date'] as const;
