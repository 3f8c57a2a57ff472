/**
 * Column declarations as a projection writes them ("text primary key", "numeric(10,2)",
 * "integer not null"). The text is parsed against a list of known types and re-rendered from
 * the parse, so the DDL the runtime runs holds no text copied from the config.
 */

/** A parsed column declaration. */
export interface ColumnDecl {
  /** The canonical SQL type ('text', 'numeric(10,2)', 'timestamptz', …). */
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  unique: boolean;
}

// spelling (lower case, single spaces) → canonical name; `n` types take a length or precision
const TYPES: Record<string, { name: string; args?: 'length' | 'precision' }> = {
  text: { name: 'text' },
  varchar: { name: 'varchar', args: 'length' },
  'character varying': { name: 'varchar', args: 'length' },
  char: { name: 'char', args: 'length' },
  character: { name: 'char', args: 'length' },
  integer: { name: 'integer' },
  int: { name: 'integer' },
  int4: { name: 'integer' },
  bigint: { name: 'bigint' },
  int8: { name: 'bigint' },
  smallint: { name: 'smallint' },
  int2: { name: 'smallint' },
  numeric: { name: 'numeric', args: 'precision' },
  decimal: { name: 'numeric', args: 'precision' },
  real: { name: 'real' },
  float4: { name: 'real' },
  'double precision': { name: 'double precision' },
  float8: { name: 'double precision' },
  float: { name: 'double precision' },
  boolean: { name: 'boolean' },
  bool: { name: 'boolean' },
  jsonb: { name: 'jsonb' },
  json: { name: 'json' },
  timestamptz: { name: 'timestamptz' },
  'timestamp with time zone': { name: 'timestamptz' },
  timestamp: { name: 'timestamp' },
  'timestamp without time zone': { name: 'timestamp' },
  date: { name: 'date' },
  uuid: { name: 'uuid' },
};

const MODIFIERS: [RegExp, keyof Omit<ColumnDecl, 'type'> | 'null'][] = [
  [/^primary key\b/, 'primaryKey'],
  [/^not null\b/, 'notNull'],
  [/^null\b/, 'null'],
  [/^unique\b/, 'unique'],
];

/** The known type names, for messages. */
export const COLUMN_TYPE_NAMES = [...new Set(Object.values(TYPES).map((t) => t.name))];

/** Parses a declaration; a string is the reason it is not one. */
export function parseColumnType(text: string): ColumnDecl | string {
  let rest = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const spelled = longestType(rest);
  if (spelled === undefined) return `unknown column type in "${text}" (use one of ${COLUMN_TYPE_NAMES.join(', ')})`;
  rest = rest.slice(spelled.length).trimStart();
  const known = TYPES[spelled]!;
  let type = known.name;
  const args = /^\( ?(\d{1,4})(?: ?, ?(\d{1,4}))? ?\)/.exec(rest);
  if (args !== null) {
    if (known.args === undefined || (known.args === 'length' && args[2] !== undefined))
      return `"${spelled}" takes no such arguments in "${text}"`;
    const [a, b] = [Number(args[1]), args[2] === undefined ? undefined : Number(args[2])];
    if (a < 1 || (b !== undefined && b > a)) return `bad size in "${text}"`;
    type += b === undefined ? `(${a})` : `(${a},${b})`;
    rest = rest.slice(args[0].length).trimStart();
  }
  const decl: ColumnDecl = { type, primaryKey: false, notNull: false, unique: false };
  while (rest !== '') {
    const m = MODIFIERS.find(([re]) => re.test(rest));
    if (m === undefined)
      return `unsupported "${rest}" in "${text}" (a column declaration is a type, optionally with PRIMARY KEY, NOT NULL or UNIQUE)`;
    if (m[1] !== 'null') decl[m[1]] = true;
    rest = rest.replace(m[0], '').trimStart();
  }
  return decl;
}

/** The longest known type spelling at the start of `text` ("timestamp with time zone" before "timestamp"). */
function longestType(text: string): string | undefined {
  let best: string | undefined;
  for (const spelling of Object.keys(TYPES)) {
    if (text === spelling || text.startsWith(`${spelling} `) || text.startsWith(`${spelling}(`)) {
      if (best === undefined || spelling.length > best.length) best = spelling;
    }
  }
  return best;
}
