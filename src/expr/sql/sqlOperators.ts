/**
 * The operators in SQL, with the evaluator's meaning (evaluate/operators.ts): kinds are
 * known per signature, so a mismatch is a NULL here exactly where the evaluator gives null.
 */
import type { BinaryOp, UnaryOp } from '../ast.js';
import { asBool, asJson, asNum, asText, frag, NULL_FRAG, type Frag, type FragType } from './frag.js';
import type { SqlBuilder } from './SqlBuilder.js';

const SCALARS: readonly FragType[] = ['float8', 'text', 'boolean'];
const isNumeric = (f: Frag) => f.type === 'float8' || f.type === 'json';

/** `NOT x` and `-x`. */
export function sqlUnary(op: UnaryOp, f: Frag): Frag {
  if (op === 'NOT') return frag(`(NOT ${asBool(f)})`, 'boolean');
  return isNumeric(f) ? frag(`(- ${asNum(f)})`, 'float8') : NULL_FRAG;
}

/** `x IS [NOT] NULL`. */
export function sqlIsNull(f: Frag, negated: boolean): Frag {
  return frag(`(${f.sql} IS ${negated ? 'NOT ' : ''}NULL)`, 'boolean');
}

/** `x IN (a, b)` as `x = a OR x = b`, which is exactly SQL's IN with its nulls. */
export function sqlIn(b: SqlBuilder, x: Frag, list: readonly Frag[], negated: boolean): Frag {
  const sql = b.share([x], ([v]) => `(${list.map((item) => asBool(equality(v!, item, '='))).join(' OR ')})`);
  return frag(negated ? `(NOT ${sql})` : sql, 'boolean');
}

/** Every binary operator; AND/OR are SQL's own three-valued ones. */
export function sqlBinary(b: SqlBuilder, op: BinaryOp, l: Frag, r: Frag): Frag {
  switch (op) {
    case 'AND':
    case 'OR':
      return frag(`(${asBool(l)} ${op} ${asBool(r)})`, 'boolean');
    case '+':
      return plus(b, l, r);
    case '-':
    case '*':
      return isNumeric(l) && isNumeric(r) ? frag(`(${asNum(l)} ${op} ${asNum(r)})`, 'float8') : NULL_FRAG;
    case '/':
      return isNumeric(l) && isNumeric(r) ? frag(`(${asNum(l)} / NULLIF(${asNum(r)}, 0::float8))`, 'float8') : NULL_FRAG;
    case '%':
      // on the decimals the numbers print as, like the evaluator (decimal.ts)
      return isNumeric(l) && isNumeric(r)
        ? frag(`(mod((${asNum(l)})::text::numeric, NULLIF((${asNum(r)})::text::numeric, 0)))::float8`, 'float8')
        : NULL_FRAG;
    case '=':
    case '!=':
      return equality(l, r, op);
    default:
      return order(b, op, l, r);
  }
}

/** Numbers add, texts concatenate, anything else is NULL; jsonb decides per row. */
function plus(b: SqlBuilder, l: Frag, r: Frag): Frag {
  if (l.type === 'null' || r.type === 'null') return NULL_FRAG;
  const types = new Set([l.type, r.type]);
  if (types.size === 1 && l.type === 'json') {
    return frag(
      b.share([l, r], ([x, y]) => `COALESCE(to_jsonb(${asNum(x!)} + ${asNum(y!)}), to_jsonb(${asText(x!)} || ${asText(y!)}))`),
      'json',
    );
  }
  if ([...types].every((t) => t === 'float8' || t === 'json')) return frag(`(${asNum(l)} + ${asNum(r)})`, 'float8');
  if ([...types].every((t) => t === 'text' || t === 'json')) return frag(`(${asText(l)} || ${asText(r)})`, 'text');
  return NULL_FRAG;
}

/** `=`/`!=`: native between two scalars of one kind, else jsonb equality (kinds differ: false). */
function equality(l: Frag, r: Frag, op: '=' | '!='): Frag {
  if (l.type === 'null' || r.type === 'null') return NULL_FRAG;
  const sqlOp = op === '=' ? '=' : '<>';
  if (l.type === r.type && SCALARS.includes(l.type)) return frag(`(${l.sql} ${sqlOp} ${r.sql})`, 'boolean');
  return frag(`(${asJson(l)} ${sqlOp} ${asJson(r)})`, 'boolean');
}

/** `< <= > >=` between two numbers, two texts (byte order, COLLATE "C") or two booleans; else NULL. */
function order(b: SqlBuilder, op: string, l: Frag, r: Frag): Frag {
  if (l.type === 'null' || r.type === 'null') return NULL_FRAG;
  const cmp = (type: FragType, x: string, y: string) => (type === 'text' ? `(${x} COLLATE "C" ${op} ${y})` : `(${x} ${op} ${y})`);
  const as = (type: FragType, f: Frag) => (type === 'float8' ? asNum(f) : type === 'text' ? asText(f) : asBool(f));
  if (l.type === 'json' && r.type === 'json') {
    return frag(
      b.share(
        [l, r],
        ([x, y]) => `COALESCE(${(['float8', 'text', 'boolean'] as const).map((t) => cmp(t, as(t, x!), as(t, y!))).join(', ')})`,
      ),
      'boolean',
    );
  }
  const type = l.type === 'json' ? r.type : l.type;
  if (!SCALARS.includes(type) || (l.type !== type && l.type !== 'json') || (r.type !== type && r.type !== 'json')) return NULL_FRAG;
  return frag(cmp(type, as(type, l), as(type, r)), 'boolean');
}
