/**
 * AST → plain value tree. Sections route entries into nested objects, variables are
 * substituted, load-time expressions computed, operators called; every value path is
 * recorded in the source map. Evaluation goes on after a fault (value null) so that one
 * run reports everything.
 */
import { error, note, type SourceLocation } from '../diagnostics.js';
import { getOwn, setOwn } from '../util/setOwn.js';
import { valueText } from '../util/valueText.js';
import type { Path } from './document.js';
import type { BinaryAst, EntryAst, TskFileAst, ValueAst } from './ast.js';
import { ROOT_NODE, type PathSourceMap } from './sourceMap.js';
import { type LoadContext, type OperatorCall } from './operators/context.js';
import { unsupportedMessage } from './operators/unsupported.js';
import { arithmetic, asNumber } from './arithmetic.js';
import { envOperator } from './operators/env.js';
import { queryOperator } from './operators/query.js';
import { fileOperator, isFileOperator } from './operators/file.js';
import { dateOperator } from './operators/date.js';
import { DeferredQuery } from './deferredQuery.js';

type Obj = Record<string, unknown>;

/**
 * Load-time limits (issue 13). They apply before the model (and its `limits` block) exists,
 * so they are fixed: a string built by `+` may hold at most 1 MiB characters, and `$var`
 * uses may copy at most a million values into the tree (`$b = [$a, $a]` doubled 40 times
 * would otherwise be a tree of 2^40 values).
 */
export const MAX_LOAD_STRING = 1 << 20;
export const MAX_VARIABLE_VALUES = 1_000_000;

/** How many values (leaves and containers) a value holds, counted once per object. */
function valueCount(v: unknown, memo: WeakMap<object, number>): number {
  if (v === null || typeof v !== 'object') return 1;
  const known = memo.get(v);
  if (known !== undefined) return known;
  let n = 1;
  for (const child of Array.isArray(v) ? v : Object.values(v)) {
    n += valueCount(child, memo);
    if (n > MAX_VARIABLE_VALUES) break;
  }
  memo.set(v, n);
  return n;
}

function isPlainObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof DeferredQuery);
}

/** A section's (or a dotted key's parents') object, its source-map node, and whether it clashed with a value. */
interface Opened {
  target: Obj;
  node: number;
  failed: boolean;
}

/** Evaluates one file's AST into `root`, recording locations in `sourceMap`. */
export class Evaluator {
  private readonly vars = new Map<string, unknown>();
  private readonly counts = new WeakMap<object, number>();
  private expanded = 0;

  constructor(
    private readonly file: string,
    private readonly sourceMap: PathSourceMap,
    private readonly context: LoadContext,
  ) {}

  /** Where top-level entries go: the root, or the object of the last `[section]`. */
  private root: Obj = {};
  private target: Obj = this.root;
  private targetNode = ROOT_NODE;
  private section: string | undefined;
  private started = false;

  /** The whole file: top-level entries, then each section's entries into its object. */
  evaluateFile(ast: TskFileAst): Obj {
    this.add(ast.items);
    return this.root;
  }

  /** The value of the file so far (`add` fills it). */
  get result(): Obj {
    return this.root;
  }

  /** Evaluates the next top-level items of the file, in order (a large file comes in pieces). */
  add(items: TskFileAst['items']): void {
    if (!this.started) this.sourceMap.setAt(ROOT_NODE, { value: { file: this.file, line: 1, column: 1 } });
    this.started = true;
    const root = this.root;
    for (const item of items) {
      if (item.kind === 'section') {
        const opened = item.array
          ? this.openArraySection(root, item.path, item.nameLocation, item.location)
          : this.openSection(root, ROOT_NODE, item.path, item.nameLocation, item.location);
        this.target = opened.target;
        this.targetNode = opened.node;
        this.section = item.path.join('.');
      } else {
        const section = this.section;
        if (item.block && section !== undefined && !item.variable) {
          // a `name { … }` block statement at the start of a line is top-level (issue 18, item 9)
          this.context.diagnostics.push(
            note(
              'TSK_SECTION_ENDED',
              `section [${section}] ends here: a block written \`${item.key} { … }\` at the start of a line is top-level; write \`${item.key} = { … }\` to keep it in [${section}]`,
              item.keyLocation,
            ),
          );
          this.target = root;
          this.targetNode = ROOT_NODE;
          this.section = undefined;
        }
        this.entry(this.target, this.targetNode, item);
      }
    }
  }

  /** `[[a.b]]`: a new object at the end of the list a.b (made on first use). */
  private openArraySection(root: Obj, path: string[], nameLoc: SourceLocation, loc: SourceLocation): Opened {
    const parent = this.openSection(root, ROOT_NODE, path.slice(0, -1), nameLoc, loc);
    const key = path[path.length - 1]!;
    const listNode = this.sourceMap.child(parent.node, key);
    let list = parent.target[key];
    if (list === undefined) {
      list = [];
      setOwn(parent.target, key, list);
      this.sourceMap.setAt(listNode, { key: nameLoc, value: loc });
    }
    if (!Array.isArray(list)) {
      this.duplicate(this.sourceMap.pathOf(listNode), key, nameLoc);
      return { target: {}, node: listNode, failed: true };
    }
    const item: Obj = {};
    const itemNode = this.sourceMap.child(listNode, list.length);
    list.push(item);
    this.sourceMap.setAt(itemNode, { key: nameLoc, value: loc });
    return { target: item, node: itemNode, failed: false };
  }

  /**
   * Finds or creates the object a `[a.b]` header names (a repeated header merges), under
   * `root` (whose source-map node is `at`). A list made by `[[a]]` on the way stands for its
   * last object, as in TOML.
   */
  private openSection(root: Obj, at: number, path: string[], nameLoc: SourceLocation, loc: SourceLocation): Opened {
    let node = root;
    let here = at;
    for (const k of path) {
      here = this.sourceMap.child(here, k);
      if (!Object.hasOwn(node, k)) {
        const child: Obj = {};
        setOwn(node, k, child);
        this.sourceMap.setAt(here, { key: nameLoc, value: loc });
        node = child;
        continue;
      }
      let existing = node[k];
      if (Array.isArray(existing) && existing.length > 0 && isPlainObject(existing[existing.length - 1])) {
        here = this.sourceMap.child(here, existing.length - 1);
        existing = existing[existing.length - 1];
      }
      if (!isPlainObject(existing)) {
        this.duplicate(this.sourceMap.pathOf(here), k, nameLoc);
        return { target: {}, node: here, failed: true }; // entries are still evaluated (for their diagnostics) but go nowhere
      }
      node = existing;
    }
    return { target: node, node: here, failed: false };
  }

  private duplicate(path: Path, key: string, at: SourceLocation): void {
    const first = this.sourceMap.get(path);
    const firstLoc = first?.key ?? first?.value;
    this.context.diagnostics.push(
      error('TSK_DUPLICATE_KEY', `duplicate key ${key}`, at, {
        path: [...path],
        ...(firstLoc ? { related: [{ message: `${key} is first defined here`, location: firstLoc }] } : {}),
      }),
    );
  }

  /** An entry into `target`, whose source-map node is `node`. */
  private entry(target: Obj, node: number, e: EntryAst): void {
    if (e.variable) {
      this.vars.set(e.key, this.value(e.value, node));
      return;
    }
    if (e.dotted) {
      // `default.active = true`: nest under default, made (or reused) on the way
      const parents = e.dotted.slice(0, -1);
      const opened = this.openSection(target, node, parents, e.keyLocation, e.keyLocation);
      if (opened.failed || !isPlainObject(this.at(target, parents))) {
        this.value(e.value, this.sourceMap.child(node, `${e.key} (duplicate)`));
        return;
      }
      this.entry(opened.target, opened.node, { ...e, key: e.dotted[e.dotted.length - 1]!, dotted: undefined });
      return;
    }
    if (Object.hasOwn(target, e.key)) {
      this.duplicate([...this.sourceMap.pathOf(node), e.key], e.key, e.keyLocation);
      this.value(e.value, this.sourceMap.child(node, `${e.key} (duplicate)`));
      return;
    }
    // record the location first so that nested paths and includes find their parent
    const here = this.sourceMap.child(node, e.key);
    this.sourceMap.setAt(here, { key: e.keyLocation, value: e.value.location });
    setOwn(target, e.key, this.value(e.value, here));
  }

  /** The object at `keys` under `node` (for dotted keys), or undefined. */
  private at(node: Obj, keys: readonly string[]): unknown {
    let cur: unknown = node;
    for (const k of keys) {
      if (!isPlainObject(cur) || !Object.hasOwn(cur, k)) return undefined;
      cur = cur[k];
      if (Array.isArray(cur)) cur = cur[cur.length - 1];
    }
    return cur;
  }

  /** One value; `node` is the source-map node of where it will be stored. */
  value(v: ValueAst, node: number): unknown {
    switch (v.kind) {
      case 'literal':
        return v.value;
      case 'object': {
        const obj: Obj = {};
        for (const e of v.entries) this.entry(obj, node, e);
        return obj;
      }
      case 'array':
        return v.items.map((item, i) => {
          const here = this.sourceMap.child(node, i);
          this.sourceMap.setAt(here, { value: item.location });
          return this.value(item, here);
        });
      case 'variable':
        return this.variable(v);
      case 'operator':
        return this.operator(v, node);
      case 'binary':
        return this.binary(v, node);
      case 'conditional':
        return truthy(this.value(v.test, node)) ? this.value(v.then, node) : this.value(v.else, node);
      case 'unary': {
        const x = this.value(v.operand, node);
        if (v.operand.kind === 'invalid') return null;
        if (v.op === '!') return !truthy(x);
        return arithmetic('-', 0, x, v.location, this.context.diagnostics);
      }
      case 'range':
        return { min: v.min, max: v.max };
      case 'invalid':
        return null;
    }
  }

  private variable(v: Extract<ValueAst, { kind: 'variable' }>): unknown {
    if (!this.vars.has(v.name)) {
      this.context.diagnostics.push(error('TSK_UNDEFINED_VARIABLE', `undefined variable $${v.name}`, v.location));
      return null;
    }
    let value = this.vars.get(v.name);
    for (const step of v.access ?? []) {
      const container = value as Record<string | number, unknown> | null;
      const has =
        typeof step === 'number'
          ? Array.isArray(container) && step < container.length
          : isPlainObject(container) && Object.hasOwn(container, step);
      if (!has) {
        const what = typeof step === 'number' ? `[${step}]` : `.${step}`;
        this.context.diagnostics.push(error('TSK_EXPRESSION', `$${v.name} has no ${what} (it is ${describe(value)})`, v.location));
        return null;
      }
      value = container![step];
    }
    if (value !== null && typeof value === 'object') {
      if (this.expanded > MAX_VARIABLE_VALUES) return null; // reported once, at the first use over
      this.expanded += valueCount(value, this.counts);
      if (this.expanded > MAX_VARIABLE_VALUES) {
        this.context.diagnostics.push(
          error(
            'TSK_EXPRESSION',
            `$${v.name} makes the variables expand to more than ${MAX_VARIABLE_VALUES.toLocaleString('en')} values (a load-time limit)`,
            v.location,
          ),
        );
        return null;
      }
    }
    return value;
  }

  private operator(v: Extract<ValueAst, { kind: 'operator' }>, node: number): unknown {
    if (v.bareCall) {
      // refused whatever its arguments: evaluating them would only add cascades
      this.context.diagnostics.push(error('TSK_UNSUPPORTED_OPERATOR', unsupportedMessage(v.name, true), v.location));
      return null;
    }
    const args = v.args.map((a) => this.value(a, node));
    const call: OperatorCall = {
      name: v.name,
      args,
      ast: v,
      location: v.location,
      file: this.file,
      path: this.sourceMap.pathOf(node),
      sourceMap: this.sourceMap,
      context: this.context,
    };
    if (v.name === 'env' || v.name === 'env.secure') return envOperator(call);
    if (v.name.startsWith('env.')) return envOperator({ ...call, name: 'env', args: [v.name.slice(4), ...args] }); // @env.NAME
    if (v.name === 'query') return queryOperator(call);
    if (v.name === 'date') return dateOperator(call);
    if (isFileOperator(v.name)) return fileOperator(call);
    this.context.diagnostics.push(error('TSK_UNSUPPORTED_OPERATOR', unsupportedMessage(v.name, false), v.location));
    return null;
  }

  /** `a || b`, `a && b` (JavaScript's: the deciding operand); `@env.X || "d"` makes "d" the default. */
  private logical(v: BinaryAst, node: number): unknown {
    const l = v.op === '||' && isEnvWithoutDefault(v.left) ? this.optionalEnv(v.left, node) : this.value(v.left, node);
    if (v.op === '||') return truthy(l) ? l : this.value(v.right, node);
    return truthy(l) ? this.value(v.right, node) : l;
  }

  /** An `@env` call that may be unset: no warning, null. */
  private optionalEnv(v: ValueAst, node: number): unknown {
    const op = v as Extract<ValueAst, { kind: 'operator' }>;
    const name = op.name.startsWith('env.') && op.name !== 'env.secure' ? op.name.slice(4) : this.value(op.args[0]!, node);
    const secure = op.name === 'env.secure';
    const env = this.context.options.env ?? process.env;
    if (typeof name !== 'string' || getOwn(env, name) === undefined) return null;
    const call = {
      name: secure ? 'env.secure' : 'env',
      args: [name],
      ast: op,
      location: op.location,
      file: this.file,
      path: this.sourceMap.pathOf(node),
      sourceMap: this.sourceMap,
      context: this.context,
    };
    return envOperator(call);
  }

  private binary(v: BinaryAst, node: number): unknown {
    if (v.op === '||' || v.op === '&&') return this.logical(v, node);
    const l = this.value(v.left, node);
    const r = this.value(v.right, node);
    // an operand the parser could not read is already reported: no second error about it
    if (v.left.kind === 'invalid' || v.right.kind === 'invalid') return null;
    if (v.op === '-' || v.op === '*' || v.op === '/' || v.op === '%') return arithmetic(v.op, l, r, v.location, this.context.diagnostics);
    if (v.op === '+') {
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      if ((l !== null && typeof l === 'object') || (r !== null && typeof r === 'object')) {
        this.context.diagnostics.push(error('TSK_EXPRESSION', 'cannot use + with an object or array', v.right.location));
        return null;
      }
      // objects were refused above: what is left is a scalar or null
      const ls = l === null || l === undefined ? '' : valueText(l);
      const rs = r === null || r === undefined ? '' : valueText(r);
      if (ls.length + rs.length > MAX_LOAD_STRING) {
        this.context.diagnostics.push(
          error(
            'TSK_EXPRESSION',
            `this + would build a string of ${(ls.length + rs.length).toLocaleString('en')} characters, over the load-time limit of ${MAX_LOAD_STRING.toLocaleString('en')}`,
            v.location,
          ),
        );
        return null;
      }
      return ls + rs;
    }
    if (v.op === '==') return looseEqual(l, r);
    if (v.op === '!=') return !looseEqual(l, r);
    const a = asNumber(l);
    const b = asNumber(r);
    const both = a !== undefined && b !== undefined;
    if (!both && (typeof l !== 'string' || typeof r !== 'string')) {
      this.context.diagnostics.push(error('TSK_EXPRESSION', `cannot compare ${describe(l)} ${v.op} ${describe(r)}`, v.location));
      return null;
    }
    const [x, y] = both ? [a, b] : [l as string, r as string];
    switch (v.op) {
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      default:
        return x >= y;
    }
  }
}

/** `@env("X")` or `@env.X` with no default argument. */
function isEnvWithoutDefault(v: ValueAst): boolean {
  if (v.kind !== 'operator') return false;
  if (v.name === 'env' || v.name === 'env.secure') return v.args.length === 1;
  return v.name.startsWith('env.') && v.args.length === 0;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v);
}

function looseEqual(l: unknown, r: unknown): boolean {
  if (l === r) return true;
  if ((typeof l === 'number' && typeof r === 'string') || (typeof l === 'string' && typeof r === 'number'))
    return asNumber(l) === asNumber(r);
  if ((typeof l === 'boolean' && typeof r === 'string') || (typeof l === 'string' && typeof r === 'boolean'))
    return String(l) === String(r);
  return false;
}

/** JavaScript truthiness, except that the strings "false" and "0" are false (env values). */
function truthy(v: unknown): boolean {
  if (v === 'false' || v === '0') return false;
  return Boolean(v);
}
