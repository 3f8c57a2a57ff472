/**
 * The functions in SQL, one per name of the catalog (functions.ts), each with the meaning of
 * its evaluator twin (evaluate/builtins.ts). Constants written here are ours, never values.
 */
import { asArray, asBool, asJson, asNum, asText, frag, jsonArg, listOf, NULL_FRAG, type Frag } from './frag.js';
import { jsNumberText } from './numberText.js';
import type { SqlBuilder } from './SqlBuilder.js';

type SqlFunction = (b: SqlBuilder, args: Frag[]) => Frag;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const EDGE_SPACE = `E' \\t\\n\\r\\f\\x0B'`;
// GREATEST/LEAST would turn a NULL into a bound, so the clamp is a CASE over a shared value
const clampInt = (b: SqlBuilder, f: Frag, limit: number) =>
  b.share(
    [frag(`trunc(${asNum(f)})`, 'float8', f.type === 'null')],
    ([t]) => `(CASE WHEN ${t!.sql} < -${limit} THEN -${limit} WHEN ${t!.sql} > ${limit} THEN ${limit} ELSE ${t!.sql} END)::int`,
  );
const toNumericText = (sql: string) => `(${sql})::text::numeric`;

/** A float8 as JavaScript's String(x) prints it (PostgreSQL's own text uses other exponent rules). */
function numberText(b: SqlBuilder, f: Frag): string {
  return b.share([f], ([x]) => jsNumberText(x!.sql));
}

/** A scalar as CONCAT writes it; undefined for what CONCAT skips (null, arrays, objects). */
function scalarText(b: SqlBuilder, f: Frag): string | undefined {
  switch (f.type) {
    case 'text':
      return f.sql;
    case 'float8':
      return numberText(b, f);
    case 'boolean':
      return `(${f.sql})::text`;
    case 'json':
      return b.share([f], ([x]) => {
        const v = x!.sql;
        return `CASE jsonb_typeof(${v}) WHEN 'string' THEN ${v} #>> '{}' WHEN 'boolean' THEN ${v} #>> '{}' WHEN 'number' THEN ${numberText(b, frag(`(${v})::float8`, 'float8', true))} END`;
      });
    default:
      return undefined;
  }
}

function extreme(fn: 'GREATEST' | 'LEAST'): SqlFunction {
  return (b, args) => {
    const present = args.filter((a) => a.type !== 'null');
    if (present.length === 0) return NULL_FRAG;
    const type = present[0]!.type;
    if (present.every((a) => a.type === type) && (type === 'float8' || type === 'boolean'))
      return frag(`${fn}(${present.map((a) => a.sql).join(', ')})`, type);
    if (present.every((a) => a.type === 'text')) return frag(`${fn}(${present.map((a) => `${a.sql} COLLATE "C"`).join(', ')})`, 'text');
    // mixed or dynamic kinds: decide per row over the non-null values, as the evaluator does
    const t = b.alias();
    const v = frag(`${t}._tusk_x`, 'json', true);
    const [agg, boolAgg] = fn === 'GREATEST' ? ['max', 'bool_or'] : ['min', 'bool_and'];
    const all = (kind: string) => `bool_and(jsonb_typeof(${v.sql}) = '${kind}')`;
    return frag(
      `(SELECT CASE WHEN count(DISTINCT jsonb_typeof(${v.sql})) > 1 THEN NULL ` +
        `WHEN ${all('number')} THEN to_jsonb(${agg}(${asNum(v)})) ` +
        `WHEN ${all('string')} THEN to_jsonb(${agg}(${asText(v)} COLLATE "C")) ` +
        `WHEN ${all('boolean')} THEN to_jsonb(${boolAgg}(${asBool(v)})) END ` +
        `FROM (VALUES ${present.map((a) => `(${asJson(a)})`).join(', ')}) AS ${t}(_tusk_x) WHERE ${v.sql} IS NOT NULL)`,
      'json',
    );
  };
}

/** SUM over the numbers of `list` (or of each element's `field`), in array order; [] is 0. */
function sum(b: SqlBuilder, list: Frag, field?: Frag): Frag {
  const frags = field ? [list, frag(asText(field), 'text')] : [list];
  return frag(
    b.share(frags, ([arr, key]) => {
      const e = b.alias();
      const item = key ? frag(`NULLIF(${e}._tusk_e -> ${key.sql}, 'null'::jsonb)`, 'json') : frag(`${e}._tusk_e`, 'json', true);
      const isNull = key ? `${arr!.sql} IS NULL OR ${key.sql} IS NULL` : `${arr!.sql} IS NULL`;
      return `CASE WHEN ${isNull} THEN NULL ELSE (SELECT COALESCE(sum(${asNum(item)} ORDER BY ${e}._tusk_o), 0::float8) FROM jsonb_array_elements(${arr!.sql}) WITH ORDINALITY AS ${e}(_tusk_e, _tusk_o)) END`;
    }),
    'float8',
  );
}

function contains(b: SqlBuilder, hay: Frag, needle: Frag): Frag {
  const inArray = (arr: string, x: Frag) => {
    const e = b.alias();
    return `CASE WHEN ${asJson(x)} IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM jsonb_array_elements(${arr}) AS ${e}(_tusk_e) WHERE ${e}._tusk_e = ${asJson(x)}) END`;
  };
  switch (hay.type) {
    case 'text':
      return frag(`(strpos(${hay.sql}, ${asText(needle)}) > 0)`, 'boolean');
    case 'array':
      return frag(
        b.share([hay, needle], ([a, x]) => `CASE WHEN ${a!.sql} IS NULL THEN NULL ELSE ${inArray(a!.sql, x!)} END`),
        'boolean',
      );
    case 'json':
      return frag(
        b.share(
          [hay, needle],
          ([a, x]) =>
            `CASE jsonb_typeof(${a!.sql}) WHEN 'string' THEN strpos(${a!.sql} #>> '{}', ${asText(x!)}) > 0 WHEN 'array' THEN ${inArray(a!.sql, x!)} END`,
        ),
        'boolean',
      );
    default:
      return NULL_FRAG;
  }
}

/** Each function of the catalog, building its SQL from its arguments' fragments. */
export const SQL_FUNCTIONS: Readonly<Record<string, SqlFunction>> = {
  COALESCE: (_b, args) => {
    const present = args.filter((a) => a.type !== 'null');
    if (present.length === 0) return NULL_FRAG;
    if (present.length === 1) return present[0]!;
    const type = present[0]!.type;
    if (present.every((a) => a.type === type)) return frag(`COALESCE(${present.map((a) => a.sql).join(', ')})`, type);
    return frag(`COALESCE(${present.map(asJson).join(', ')})`, 'json');
  },
  CONCAT: (b, args) => {
    const parts = args.map((a) => scalarText(b, a)).filter((p) => p !== undefined);
    return parts.length === 0 ? frag(`''::text`, 'text', true) : frag(`concat(${parts.join(', ')})`, 'text');
  },
  LOWER: (_b, [s]) => frag(`translate(${asText(s!)}, '${UPPER}', '${LOWER}')`, 'text'),
  UPPER: (_b, [s]) => frag(`translate(${asText(s!)}, '${LOWER}', '${UPPER}')`, 'text'),
  TRIM: (_b, [s]) => frag(`btrim(${asText(s!)}, ${EDGE_SPACE})`, 'text'),
  LENGTH: (b, [a]) => {
    if (a!.type === 'text') return frag(`length(${a!.sql})::float8`, 'float8');
    if (a!.type === 'array') return frag(`jsonb_array_length(${a!.sql})::float8`, 'float8');
    if (a!.type !== 'json') return NULL_FRAG;
    return frag(
      b.share([a!], ([x]) => `COALESCE(length(${asText(x!)}), jsonb_array_length(${asArray(x!)}))::float8`),
      'float8',
    );
  },
  ROUND: (b, [x, places]) => {
    const digits = places ? `, ${clampInt(b, places, 1000)}` : '';
    return frag(`round(${toNumericText(asNum(x!))}${digits})::float8`, 'float8');
  },
  FLOOR: (_b, [x]) => frag(`floor(${asNum(x!)})`, 'float8'),
  CEIL: (_b, [x]) => frag(`ceil(${asNum(x!)})`, 'float8'),
  ABS: (_b, [x]) => frag(`abs(${asNum(x!)})`, 'float8'),
  GREATEST: extreme('GREATEST'),
  LEAST: extreme('LEAST'),
  NOW: (b) => b.now(),
  APPEND: (_b, [a, x]) => {
    if (a!.type !== 'null' && a!.type !== 'array' && a!.type !== 'json') return NULL_FRAG;
    return frag(`(${listOf(a!).sql} || jsonb_build_array(${jsonArg(x!)}))`, 'array');
  },
  REMOVE: (b, [a, x]) => {
    const value = frag(`COALESCE(${asJson(x!)}, 'null'::jsonb)`, 'json', x!.atomic);
    return frag(
      b.share([listOf(a!), value], ([arr, v]) => {
        const e = b.alias();
        return `CASE WHEN ${arr!.sql} IS NULL THEN NULL ELSE (SELECT COALESCE(jsonb_agg(${e}._tusk_e ORDER BY ${e}._tusk_o), '[]'::jsonb) FROM jsonb_array_elements(${arr!.sql}) WITH ORDINALITY AS ${e}(_tusk_e, _tusk_o) WHERE ${e}._tusk_e IS DISTINCT FROM ${v!.sql}) END`;
      }),
      'array',
    );
  },
  SUM: (b, [a, field]) => sum(b, listOf(a!), field),
  COUNT: (_b, [a]) =>
    frag(`jsonb_array_length(jsonb_path_query_array(${listOf(a!).sql}, 'strict $[*] ? (@.type() != "null")'))::float8`, 'float8'),
  CONTAINS: (b, [hay, needle]) => (hay!.type === 'null' || needle!.type === 'null' ? NULL_FRAG : contains(b, hay!, needle!)),
  SPLIT_PART: (b, [s, d, n]) => frag(`split_part(${asText(s!)}, ${asText(d!)}, NULLIF(${clampInt(b, n!, 2147483647)}, 0))`, 'text'),
};
