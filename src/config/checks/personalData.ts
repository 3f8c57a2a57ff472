/**
 * Personal data (issue 16): declaring it needs the master key, and nothing may copy a personal
 * field out of the sealed log without saying so — a projection column (`personal = true`), a
 * publisher or subscriber (`personal_data = true`), a saga step (`personal_data = true`).
 */
import type { Path } from '../../tsk/document.js';
import { parseExpression, type ExprNode } from '../../expr/index.js';
import { isPlainObject } from '../paths.js';
import type { PersonalDataConfig } from '../schema/personalData.js';
import type { ProjectionMapping } from '../schema/projections.js';
import type { CheckContext } from './context.js';

/** The personal fields of one event type, and where they were declared. */
interface Declared {
  paths: string[][];
  at: Path;
}

/** Runs the personal-data checks. */
export function checkPersonalData(ctx: CheckContext): void {
  const personal = personalTypes(ctx);
  if (personal.size === 0) return;
  const store = ctx.tree.value.event_store;
  const key = isPlainObject(store) ? store.encryption_key : undefined;
  if (typeof key !== 'string' || key === '') {
    const first = [...personal.values()][0]!;
    ctx.error(
      'CONFIG_PERSONAL_DATA',
      'personal_data needs a master key: set event_store.encryption_key = @env.secure("TUSK_DATA_KEY")',
      first.at,
      { key: true },
    );
  }
  checkProjections(ctx, personal);
  checkRelays(ctx, personal);
  checkSagas(ctx, personal);
}

/** Event type → its personal fields (an `events` rule wins over its aggregate's). */
function personalTypes(ctx: CheckContext): Map<string, Declared> {
  const out = new Map<string, Declared>();
  const declared = (c: PersonalDataConfig, at: Path): Declared => ({ paths: c.fields.map((f) => f.split('.')), at });
  for (const [name, agg] of Object.entries(ctx.model.aggregates)) {
    if (agg.personal_data === undefined) continue;
    const d = declared(agg.personal_data, ['aggregates', name, 'personal_data']);
    const types = new Set([
      ...(agg.event_types ?? []),
      ...Object.keys(agg.apply),
      ...Object.values(agg.commands).flatMap((c) => c.emit.map((e) => e.type)),
    ]);
    for (const t of types) out.set(t, d);
  }
  for (const [type, e] of Object.entries(ctx.model.events))
    if (e.personal_data !== undefined) out.set(type, declared(e.personal_data, ['events', type, 'personal_data']));
  return out;
}

/** The `data.…` paths an expression reads (`[]`: the whole data). */
function dataReads(text: string): string[][] {
  const { ast } = parseExpression(text);
  const out: string[][] = [];
  const walk = (n: ExprNode): void => {
    switch (n.kind) {
      case 'path':
        if (n.name === 'data') out.push(n.segments.map((s) => (s.kind === 'field' ? s.name : '*')));
        return;
      case 'array':
        return n.items.forEach(walk);
      case 'unary':
      case 'isNull':
        return walk(n.operand);
      case 'binary':
        walk(n.left);
        return walk(n.right);
      case 'in':
        walk(n.operand);
        return n.list.forEach(walk);
      case 'call':
        return n.args.forEach(walk);
      case 'literal':
        return;
    }
  };
  if (ast !== undefined) walk(ast);
  return out;
}

/** The personal field a read path copies (one path is a prefix of the other), if any. */
function copied(read: readonly string[], d: Declared): string | undefined {
  for (const p of d.paths) {
    const n = Math.min(read.length, p.length);
    let same = true;
    for (let i = 0; i < n && same; i++) same = read[i] === p[i] || read[i] === '*' || p[i] === '*';
    if (same) return p.join('.');
  }
  return undefined;
}

/** The personal field `text` copies from an event of type `type`. */
function copiedBy(text: string, d: Declared | undefined): string | undefined {
  if (d === undefined) return undefined;
  for (const read of dataReads(text)) {
    const field = copied(read, d);
    if (field !== undefined) return field;
  }
  return undefined;
}

function checkProjections(ctx: CheckContext, personal: ReadonlyMap<string, Declared>): void {
  for (const [name, p] of Object.entries(ctx.model.projections)) {
    checkTable(ctx, personal, ['projections', name], p.events, p.mapping, p.personal_columns);
    for (const [joinName, join] of Object.entries(p.joins))
      checkTable(ctx, personal, ['projections', name, 'joins', joinName], join.events, join.mapping, join.personal_columns);
  }
}

function checkTable(
  ctx: CheckContext,
  personal: ReadonlyMap<string, Declared>,
  base: Path,
  events: readonly string[],
  mapping: Record<string, ProjectionMapping>,
  personalColumns: readonly string[],
): void {
  const declared = new Set(personalColumns);
  const hint = (col: string) =>
    `declare it: columns = { ${col} = { type = "…", personal = true } } (scrubbed when the subject is forgotten)`;
  for (const [type, m] of Object.entries(mapping)) {
    for (const [col, text] of Object.entries(m.fields)) {
      if (declared.has(col)) continue;
      const field = copiedBy(text, personal.get(type));
      if (field !== undefined)
        ctx.error('CONFIG_PERSONAL_DATA', `column \`${col}\` copies personal field data.${field} of ${type}; ${hint(col)}`, [
          ...base,
          'mapping',
          type,
          'fields',
          col,
        ]);
    }
  }
  events.forEach((type, i) => {
    const d = personal.get(type);
    if (d === undefined || Object.hasOwn(mapping, type)) return;
    // an unmapped event upserts its data fields into the columns of the same names
    const fields = [...new Set(d.paths.map((p) => p[0]!))].filter((f) => !declared.has(f));
    if (fields.length > 0)
      ctx.error(
        'CONFIG_PERSONAL_DATA',
        `${type} is projected without a mapping, so its personal field(s) ${fields.join(', ')} become columns; ${hint(fields[0]!)}`,
        [...base, 'events', i],
      );
  });
}

/** Publishers and subscribers deliver whole events: those with personal fields need `personal_data = true`. */
function checkRelays(ctx: CheckContext, personal: ReadonlyMap<string, Declared>): void {
  const check = (relay: unknown, at: Path) => {
    if (!isPlainObject(relay) || relay.personal_data === true) return;
    const events = Array.isArray(relay.events) ? relay.events.filter((e): e is string => typeof e === 'string') : ['*'];
    const hit = events.includes('*') ? [...personal.keys()][0] : events.find((e) => personal.has(e));
    if (hit === undefined) return;
    ctx.error(
      'CONFIG_PERSONAL_DATA',
      `delivers ${hit}, whose personal fields it would send; declare personal_data = true (forgotten subjects are sent redacted)`,
      at,
      { key: true },
    );
  };
  const publishers = ctx.tree.value.publishers;
  if (isPlainObject(publishers)) for (const [kind, relay] of Object.entries(publishers)) check(relay, ['publishers', kind]);
  const subscribers = ctx.tree.value.subscribers;
  if (isPlainObject(subscribers)) for (const [name, relay] of Object.entries(subscribers)) check(relay, ['subscribers', name]);
}

/** A saga step's input, target and call body are evaluated over its trigger event. */
function checkSagas(ctx: CheckContext, personal: ReadonlyMap<string, Declared>): void {
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    const triggers = saga.starts_on === undefined ? [] : [saga.starts_on].flat();
    saga.steps.forEach((step, i) => {
      if (step.personal_data === true) return;
      const at: Path = ['sagas', name, 'steps', i];
      const sites: [Path, string][] = [
        ...Object.entries(step.input).map(([k, v]): [Path, string] => [[...at, 'input', k], v]),
        ...Object.entries(step.compensation_input ?? {}).map(([k, v]): [Path, string] => [[...at, 'compensation_input', k], v]),
        ...Object.entries(step.call?.body ?? {}).map(([k, v]): [Path, string] => [[...at, 'call', 'body', k], v]),
        ...Object.entries(step.compensation_call?.body ?? {}).map(([k, v]): [Path, string] => [[...at, 'compensation_call', 'body', k], v]),
      ];
      // a call without a body sends { saga_id, saga, step, data }: the whole trigger data
      if (step.call !== undefined && step.call.body === undefined) sites.push([[...at, 'call'], 'data']);
      for (const [path, text] of sites) {
        for (const type of triggers) {
          const field = copiedBy(text, personal.get(type));
          if (field === undefined) continue;
          ctx.error(
            'CONFIG_PERSONAL_DATA',
            `copies personal field data.${field} of ${type}; declare personal_data = true on the step (its inputs are then stored sealed)`,
            path,
          );
          break;
        }
      }
    });
  }
}
