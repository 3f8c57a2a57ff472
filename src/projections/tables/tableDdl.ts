/**
 * The DDL of a read-model table. Constraints and indexes get explicit names derived from the
 * table's name, so a rebuild's fresh table can be renamed into place with all of them
 * (see swapTables.ts) and `CREATE … IF NOT EXISTS` finds them again on the next start.
 */
import { qualify, quoteIdent } from '../../store/quoteIdent.js';
import { derivedName } from './identifiers.js';
import type { TableSpec } from './TableSpec.js';
import { TENANT_DEFAULT } from '../../store/migrations/schemaMigrations.js';
import { rowSecuritySql } from '../../store/rowSecurity.js';

/** The tenant_id column of a conjoined store's projection table: the writing transaction's tenant. */
const TENANT_COLUMN = `text NOT NULL DEFAULT ${TENANT_DEFAULT}`;

/** A constraint or index of a table, by the name it has for a given physical table name. */
export interface NamedObject {
  kind: 'constraint' | 'index';
  name: string;
}

/** The explicitly named constraints and indexes of `spec` created as table `name`, in a fixed order. */
export function namedObjects(spec: TableSpec, name: string): NamedObject[] {
  return [
    { kind: 'constraint', name: derivedName(name, '_pkey') },
    ...spec.columns
      .filter((c) => c.unique && c.name !== spec.key)
      .map((c): NamedObject => ({ kind: 'constraint', name: derivedName(`${name}_${c.name}`, '_key') })),
    ...indexColumns(spec).map((cols): NamedObject => ({ kind: 'index', name: derivedName(`${name}_${cols.join('_')}`, '_idx') })),
  ];
}

/** CREATE TABLE (and its indexes) for `spec` as `schema`.`name`. */
export function createTableSql(spec: TableSpec, schema: string, name: string, options: { ifNotExists: boolean }): string[] {
  const table = qualify(schema, name);
  const objects = namedObjects(spec, name);
  const uniques = spec.columns.filter((c) => c.unique && c.name !== spec.key);
  // A conjoined store's rows are keyed by tenant too: the same key in two tenants is two rows.
  const tenant = spec.tenant === true ? ', tenant_id' : '';
  const lines = [
    ...spec.columns.map((c) => `  ${quoteIdent(c.name)} ${c.type}${c.notNull || c.name === spec.key ? ' NOT NULL' : ''}`),
    ...(spec.tenant === true ? [`  tenant_id ${TENANT_COLUMN}`] : []),
    `  CONSTRAINT ${quoteIdent(objects[0]!.name)} PRIMARY KEY (${quoteIdent(spec.key)}${tenant})`,
    ...uniques.map((c, i) => `  CONSTRAINT ${quoteIdent(objects[1 + i]!.name)} UNIQUE (${quoteIdent(c.name)}${tenant})`),
  ];
  const ifNot = options.ifNotExists ? 'IF NOT EXISTS ' : '';
  return [
    `CREATE TABLE ${ifNot}${table} (\n${lines.join(',\n')}\n)`,
    ...indexColumns(spec).map(
      (cols, i) =>
        `CREATE INDEX ${ifNot}${quoteIdent(objects[1 + uniques.length + i]!.name)} ON ${table} (${cols.map(quoteIdent).join(', ')})`,
    ),
    // A table from before tenancy gets the column (its key stays without it until a rebuild).
    ...(spec.tenant === true ? [`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS tenant_id ${TENANT_COLUMN}`, ...rowSecuritySql(table)] : []),
  ];
}

/** ALTER TABLE … ADD COLUMN for a column added to the config after the table was created. */
export function addColumnSql(schema: string, name: string, column: { name: string; type: string }): string {
  // NOT NULL and UNIQUE are not added to a table that already has rows: a rebuild creates them
  return `ALTER TABLE ${qualify(schema, name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${column.type}`;
}

/** The indexes of a table: its foreign key's, then the configured ones. */
function indexColumns(spec: TableSpec): string[][] {
  return [...(spec.foreignKey === undefined ? [] : [[spec.foreignKey]]), ...spec.indexes];
}
