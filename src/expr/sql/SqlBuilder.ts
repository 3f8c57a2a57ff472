/**
 * Builds the SQL of one expression for one type signature (the kinds of its root values in
 * one call). Runs only on a cache miss: steady state reuses the text (see compileToSql.ts).
 */
import { ExpressionError } from '../../errors.js';
import type { ExprNode, PathNode } from '../ast.js';
import { readColumn } from './columns.js';
import { asArray, frag, jsonArg, NULL_FRAG, SQL_TYPE, type Frag, type FragType } from './frag.js';
import { sqlBinary, sqlIn, sqlIsNull, sqlUnary } from './sqlOperators.js';
import { SQL_FUNCTIONS } from './sqlFunctions.js';
import { getOwn } from '../../util/setOwn.js';

/** Where a placeholder's value comes from: a root slot of the call, a constant of the text, or NOW(). */
export type ValueSource = { slot: number } | { value: string } | { now: true };

/** What the builder needs to know about the call. */
export interface BuildInput {
  /** Per slot: 'c' (a column), 'n' (null) or the kind of the bound value (f t b a o). */
  tags: readonly string[];
  slotOf: ReadonlyMap<ExprNode, number>;
  columns: Readonly<Record<string, string>>;
  column: (name: string) => string;
  firstParam: number;
}

const TAG_TYPES: Record<string, FragType> = { f: 'float8', t: 'text', b: 'boolean', a: 'array', o: 'object' };

// Placeholders are marked while building and numbered at the end, so a sub-fragment that an
// operator drops (a NULL for mismatched kinds) leaves no unused parameter behind.
const MARK = '\u0001';
// eslint-disable-next-line no-control-regex -- the mark is a control character so no SQL text can contain it
const MARKS = /\u0001(\d+)\u0001/g;

export class SqlBuilder {
  private readonly sources: ValueSource[] = [];
  private readonly placeholders = new Map<string, string>();
  private aliases = 0;

  constructor(private readonly input: BuildInput) {}

  /** The SQL of `node`, its type, and where each placeholder's value comes from. */
  finish(node: ExprNode): { sql: string; type: FragType; sources: ValueSource[] } {
    const f = this.build(node);
    const numbers = new Map<string, string>();
    const sources: ValueSource[] = [];
    const sql = f.sql.replace(MARKS, (_m, k: string) => {
      let n = numbers.get(k);
      if (n === undefined) {
        n = `$${this.input.firstParam + sources.length}`;
        sources.push(this.sources[Number(k)]!);
        numbers.set(k, n);
      }
      return n;
    });
    return { sql, type: f.type, sources };
  }

  /** The fragment for `node`. */
  build(node: ExprNode): Frag {
    switch (node.kind) {
      case 'literal':
        if (node.value === null) return NULL_FRAG;
        if (typeof node.value === 'boolean') return frag(node.value ? 'true' : 'false', 'boolean', true);
        if (typeof node.value === 'number') return frag(`${String(node.value)}::float8`, 'float8', true);
        return frag(this.constant(node.value), 'text', true);
      case 'array':
        return node.items.length === 0
          ? frag(`'[]'::jsonb`, 'array', true)
          : frag(`jsonb_build_array(${node.items.map((i) => jsonArg(this.build(i))).join(', ')})`, 'array');
      case 'path':
        return this.path(node);
      case 'unary':
        return sqlUnary(node.op, this.build(node.operand));
      case 'binary':
        return sqlBinary(this, node.op, this.build(node.left), this.build(node.right));
      case 'isNull':
        return sqlIsNull(this.build(node.operand), node.negated);
      case 'in':
        return sqlIn(
          this,
          this.build(node.operand),
          node.list.map((i) => this.build(i)),
          node.negated,
        );
      case 'call': {
        const fn = SQL_FUNCTIONS[node.name];
        if (fn === undefined) throw new ExpressionError(`unknown function ${node.name}`);
        return fn(
          this,
          node.args.map((a) => this.build(a)),
        );
      }
    }
  }

  /** A placeholder for a root slot's value (`$n::float8`, …) or the slot's NULL. */
  slot(index: number): Frag {
    const type = TAG_TYPES[this.input.tags[index]!];
    if (type === undefined) return NULL_FRAG;
    return frag(`${this.placeholder(`s${index}`, { slot: index })}::${SQL_TYPE[type as Exclude<FragType, 'null'>]}`, type, true);
  }

  /** A placeholder bound to a constant text of the expression (never spliced into the SQL). */
  constant(text: string): string {
    return `${this.placeholder(`c${text}`, { value: text })}::text`;
  }

  /** NOW(): the evaluation time, bound as a parameter (never the database clock). */
  now(): Frag {
    return frag(`${this.placeholder('now', { now: true })}::text`, 'text', true);
  }

  /** A fresh table alias for a subquery. */
  alias(): string {
    return `_tusk_${++this.aliases}`;
  }

  /**
   * Lets `body` use each of `frags` more than once without repeating (and re-evaluating)
   * its SQL: non-atomic ones are computed once in a one-row subquery and referenced by name.
   */
  share(frags: readonly Frag[], body: (refs: Frag[]) => string): string {
    if (frags.every((f) => f.atomic)) return body([...frags]);
    const alias = this.alias();
    const bound: string[] = [];
    const refs = frags.map((f, i) => {
      if (f.atomic) return f;
      bound.push(`${f.sql} AS _tusk_v${i}`);
      return frag(`${alias}._tusk_v${i}`, f.type, true);
    });
    return `(SELECT ${body(refs)} FROM (SELECT ${bound.join(', ')}) AS ${alias})`;
  }

  private placeholder(key: string, source: ValueSource): string {
    let p = this.placeholders.get(key);
    if (p === undefined) {
      p = `${MARK}${this.sources.length}${MARK}`;
      this.sources.push(source);
      this.placeholders.set(key, p);
    }
    return p;
  }

  private path(node: PathNode): Frag {
    const index = this.input.slotOf.get(node)!;
    if (this.input.tags[index] !== 'c') return this.slot(index);
    const declared = getOwn(this.input.columns, node.name);
    if (declared === undefined)
      throw new ExpressionError(`unknown column '${node.name}' (columns: ${Object.keys(this.input.columns).join(', ')})`);
    let f = readColumn(this.input.column(node.name), declared);
    for (const seg of node.segments) {
      if (f.type !== 'json') return NULL_FRAG;
      const step = seg.kind === 'field' ? `${f.sql} -> ${this.constant(seg.name)}` : `${asArray(f)} -> ${seg.index}`;
      f = frag(`NULLIF(${step}, 'null'::jsonb)`, 'json');
    }
    return f;
  }
}
