/** The one place SQL identifiers are quoted: every table and column name goes through here. */

/** `name` as a quoted SQL identifier ("a""b" for a"b). Rejects NUL, which PostgreSQL cannot store. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, both quoted. */
export function qualify(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
