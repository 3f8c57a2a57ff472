/** The shape of a read-model table, declared or inferred (see projectionTables.ts). */

/** One column. */
export interface ColumnSpec {
  name: string;
  /** The canonical SQL type ('text', 'numeric(10,2)', 'jsonb', …). */
  type: string;
  notNull: boolean;
  unique: boolean;
}

/** One table of a projection: its main table or a join's child table. */
export interface TableSpec {
  /** The table name as configured (created in the store's schema). */
  name: string;
  /** The primary key column. */
  key: string;
  /** Every column, the key first. */
  columns: ColumnSpec[];
  /** Extra indexes, each a list of columns. */
  indexes: string[][];
  /** Child tables: the column that holds the parent's key (the aggregate id). */
  foreignKey?: string;
  /**
   * A conjoined store's table (issue 20): a tenant_id column (the writing transaction's tenant)
   * last in the primary key and every unique constraint, and row-level security.
   */
  tenant?: boolean;
}

/** The declared SQL types by column name (what the expression compiler reads columns as). */
export function columnTypes(table: TableSpec): Record<string, string> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
}

/** The column named `name`. */
export function columnOf(table: TableSpec, name: string): ColumnSpec | undefined {
  return table.columns.find((c) => c.name === name);
}
