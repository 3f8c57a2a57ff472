/**
 * The tables of a projection: the main table and one child table per join. Columns are the
 * declared ones (`columns`), or else inferred: the key, every column a mapping sets (typed by
 * its expression), and the data fields of the events that have no mapping (typed by the
 * event's payload schema or the commands that emit it). `check` reports the problems found
 * here; the runtime refuses to start with any.
 */
import type { ProjectionConfig, ProjectionMapping } from '../../config/schema/projections.js';
import { parseExpression } from '../../expr/index.js';
import type { Path } from '../../tsk/document.js';
import { parseColumnType } from './columnType.js';
import type { EventFields } from './eventFields.js';
import { identifierProblem } from './identifiers.js';
import { inferType, mergeTypes } from './inferType.js';
import type { ColumnSpec, TableSpec } from './TableSpec.js';
import { getOwn } from '../../util/setOwn.js';

/** A located problem of a projection's table layout. */
export interface LayoutProblem {
  path: Path;
  message: string;
  /** The problem is about a key of the config (a column name), not its value. */
  key?: boolean;
}

/** A join's child table and where its key comes from. */
export interface JoinTables {
  name: string;
  table: TableSpec;
  /** The key was not configured: each row is keyed by the log position of the event that added it (so key order is the order rows came in). */
  keyIsPosition: boolean;
}

/** The tables of one projection. */
export interface ProjectionTables {
  main: TableSpec;
  joins: JoinTables[];
}

interface LayoutInput {
  table: string;
  key: string;
  keyType: string | undefined;
  /** Columns every row has besides the key (a join's foreign key). */
  fixed: ColumnSpec[];
  declared: Record<string, string> | undefined;
  events: readonly string[];
  mapping: Record<string, ProjectionMapping>;
  indexes: string[][];
  base: Path;
}

/** The tables of projection `config`; `problems` receives what is wrong with them. */
export function projectionTables(
  name: string,
  config: ProjectionConfig,
  fields: EventFields,
  problems: LayoutProblem[] = [],
): ProjectionTables {
  const base: Path = ['projections', name];
  const main = layout(
    {
      table: config.table,
      key: config.key,
      keyType: 'text',
      fixed: [],
      declared: config.columns,
      events: config.events,
      mapping: config.mapping,
      indexes: config.indexes,
      base,
    },
    fields,
    problems,
  );
  const joins = Object.entries(config.joins).map(([joinName, join]) => {
    const key = join.key ?? 'id';
    const keyType = join.key === undefined ? 'bigint' : undefined;
    const fk: ColumnSpec = { name: join.foreign_key, type: main.columns[0]!.type, notNull: false, unique: false };
    const at: Path = [...base, 'joins', joinName];
    const table = layout(
      {
        table: join.table,
        key,
        keyType,
        fixed: [fk],
        declared: join.columns,
        events: join.events,
        mapping: join.mapping,
        indexes: join.indexes,
        base: at,
      },
      fields,
      problems,
    );
    table.foreignKey = join.foreign_key;
    if (key === join.foreign_key) problems.push({ path: [...at, 'key'], message: 'the key of a child table cannot be its foreign_key' });
    if (main.columns.some((c) => c.name === joinName))
      problems.push({
        path: at,
        message: `a join cannot be named like a column of \`${config.table}\` (its rows are shown under that name)`,
        key: true,
      });
    return { name: joinName, table, keyIsPosition: join.key === undefined };
  });
  return { main, joins };
}

function layout(input: LayoutInput, fields: EventFields, problems: LayoutProblem[]): TableSpec {
  const columns = new Map<string, ColumnSpec>();
  const named = (n: string, type: string): ColumnSpec => ({ name: n, type, notNull: false, unique: false });
  const tableProblem = identifierProblem(input.table);
  if (tableProblem !== undefined) problems.push({ path: [...input.base, 'table'], message: tableProblem });

  if (input.declared !== undefined) {
    for (const [col, text] of Object.entries(input.declared)) {
      const decl = parseColumnType(text);
      const at = [...input.base, 'columns', col];
      if (typeof decl === 'string') {
        problems.push({ path: at, message: decl });
        columns.set(col, named(col, 'jsonb'));
        continue;
      }
      if (decl.primaryKey && col !== input.key)
        problems.push({
          path: at,
          message: `only the key column \`${input.key}\` can be the primary key (set \`key = "${col}"\` to key by this column)`,
        });
      columns.set(col, { name: col, type: decl.type, notNull: decl.notNull, unique: decl.unique });
    }
    if (!columns.has(input.key)) columns.set(input.key, named(input.key, keyType(input, fields) ?? 'text'));
    for (const f of input.fixed) if (!columns.has(f.name)) columns.set(f.name, f);
    for (const [event, m] of Object.entries(input.mapping)) {
      for (const col of Object.keys(m.fields)) {
        if (!columns.has(col))
          problems.push({
            path: [...input.base, 'mapping', event, 'fields', col],
            message: `column \`${col}\` is not in \`columns\``,
            key: true,
          });
      }
    }
  } else {
    columns.set(input.key, named(input.key, keyType(input, fields) ?? 'text'));
    for (const f of input.fixed) columns.set(f.name, f);
    const inferred = new Map<string, string | undefined>();
    // twice: a column read by an expression may be typed by a mapping written after it
    for (let pass = 0; pass < 2; pass++) {
      for (const [event, m] of Object.entries(input.mapping)) {
        for (const [col, text] of Object.entries(m.fields)) {
          if (columns.has(col)) continue;
          const { ast } = parseExpression(text);
          const t =
            ast === undefined
              ? undefined
              : inferType(ast, { dataField: (f) => fields.get(event)?.get(f), column: (c) => columns.get(c)?.type ?? inferred.get(c) });
          inferred.set(col, pass === 0 ? mergeTypes(inferred.get(col), t) : (inferred.get(col) ?? t));
        }
      }
    }
    for (const event of input.events) {
      if (Object.hasOwn(input.mapping, event)) continue;
      for (const [field, t] of fields.get(event) ?? []) {
        if (!columns.has(field)) inferred.set(field, inferred.has(field) ? mergeTypes(inferred.get(field), t) : t);
      }
    }
    for (const [col, t] of inferred) if (!columns.has(col)) columns.set(col, named(col, t ?? 'jsonb'));
  }

  for (const col of columns.keys()) {
    const problem = identifierProblem(col);
    if (problem !== undefined)
      problems.push({
        path: [...input.base, input.declared !== undefined ? 'columns' : 'table', ...(input.declared !== undefined ? [col] : [])],
        message: `column ${problem}`,
      });
  }
  input.indexes.forEach((index, i) => {
    for (const col of index)
      if (!columns.has(col))
        problems.push({ path: [...input.base, 'indexes', i], message: `index on \`${col}\`, which is not a column of \`${input.table}\`` });
  });
  const key = columns.get(input.key)!;
  const rest = [...columns.values()].filter((c) => c !== key);
  return { name: input.table, key: input.key, columns: [key, ...rest], indexes: input.indexes };
}

/** The key's type: from the mappings that set it, else the default key value's type. */
function keyType(input: LayoutInput, fields: EventFields): string | undefined {
  let type: string | undefined;
  for (const [event, m] of Object.entries(input.mapping)) {
    const text = getOwn(m.fields, input.key);
    if (text === undefined) continue;
    const { ast } = parseExpression(text);
    if (ast !== undefined)
      type = mergeTypes(type, inferType(ast, { dataField: (f) => fields.get(event)?.get(f), column: () => undefined }));
  }
  if (type !== undefined) return type;
  if (input.keyType !== undefined) return input.keyType;
  // a configured child key comes from the event data
  for (const event of input.events) {
    const t = fields.get(event)?.get(input.key);
    if (t !== undefined) return t;
  }
  return undefined;
}
