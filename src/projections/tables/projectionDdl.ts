/**
 * `tusk-es check --ddl`: the DDL the runtime runs for the projection tables of an app, on an
 * empty database (on an existing one it only adds the columns the config gained).
 */
import type { AppConfig } from '../../config/schema/index.js';
import { compileProjections } from '../compile/compileProjection.js';
import { createTableSql } from './tableDdl.js';

/** The DDL of every projection table of `model`, as SQL text with a comment per projection. */
export function projectionDdl(model: AppConfig): string {
  const schema = model.event_store.schema;
  const parts = compileProjections(model).map((p) => {
    const statements = p.targets.flatMap((spec) => createTableSql(spec, schema, spec.name, { ifNotExists: true }));
    const header = `-- projection ${p.name} (${p.mode}${p.enabled ? '' : ', disabled'})`;
    return [header, ...statements.map((s) => `${s};`)].join('\n');
  });
  return parts.length === 0 ? '-- no projections\n' : `${parts.join('\n\n')}\n`;
}
