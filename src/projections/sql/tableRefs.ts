/** The physical tables a projection writes: the live ones, or a rebuild's fresh ones. */
import { qualify, quoteIdent } from '../../store/quoteIdent.js';
import type { TableRef } from '../apply/writeSql.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { freshName } from './swapTables.js';
import type { TableSpec } from '../tables/TableSpec.js';

/** The live tables of `projection` in `schema`, in target order. */
export function liveTables(schema: string, projection: CompiledProjection): TableRef[] {
  return projection.targets.map((spec) => tableRef(qualify(schema, spec.name), spec));
}

/** The tables a rebuild of `projection` fills, in target order. */
export function freshTables(schema: string, projection: CompiledProjection): TableRef[] {
  return projection.targets.map((spec) => tableRef(qualify(schema, freshName(spec.name)), spec));
}

function tableRef(table: string, spec: TableSpec): TableRef {
  const key = quoteIdent(spec.key);
  return spec.tenant === true ? { table, key, conflict: `${key}, tenant_id` } : { table, key };
}
