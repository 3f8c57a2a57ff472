/**
 * Aggregates as the seeds write them (`event_sourcing.aggregates`, `aggregate_config`):
 * `business_rules`, `event_handlers` and `invariants` become canonical keys where they have
 * a generic meaning, and warnings that show the config to write where they do not.
 */
import type { Path } from '../../tsk/document.js';
import { isPlainObject } from '../paths.js';
import { valueText } from '../../util/valueText.js';
import type { CanonicalTree } from './CanonicalTree.js';
import { getOwn } from '../../util/setOwn.js';

const RULE_HINTS: Record<string, (v: unknown) => string> = {
  minimum_order_amount: (v) =>
    `require = [{ when = "total >= ${valueText(v)}", message = "the order total must be at least ${valueText(v)}" }]`,
  max_items_per_order: (v) =>
    `require = [{ when = "LENGTH(items) < ${valueText(v)}", message = "an order holds at most ${valueText(v)} items" }]`,
  age_validation: (v) =>
    `require = [{ when = "input.age >= ${valueText(v).replace(/\D/g, '') || 18}", message = "must be ${valueText(v)}" }]`,
  status_transitions: (v) =>
    `status_field = "status" and valid_status_transitions = { ${Array.isArray(v) && v.length > 1 ? `"${valueText(v[0])}" = ["${valueText(v[1])}"], …` : '"old" = ["new"]'} }`,
};

/** Puts one aggregate written at `from` into `aggregates.<name>`, rewriting the seed vocabulary. */
export function putAggregate(tree: CanonicalTree, name: string, value: unknown, from: Path): void {
  const to = ['aggregates', name];
  if (!isPlainObject(value)) {
    tree.put(to, value, from); // zod says what is wrong with it
    return;
  }
  tree.claim(to, from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'business_rules' && isPlainObject(v)) businessRules(tree, to, v, at);
    else if (key === 'event_handlers') eventHandlers(tree, v, at);
    else if (key === 'invariants') invariants(tree, v, at);
    else tree.put([...to, key], v, at);
  }
}

function businessRules(tree: CanonicalTree, to: Path, rules: Record<string, unknown>, from: Path): void {
  for (const [rule, v] of Object.entries(rules)) {
    const at = [...from, rule];
    const unique = /^(.+)_uniqueness$/.exec(rule);
    if (rule === 'valid_status_transitions') tree.put([...to, 'valid_status_transitions'], v, at);
    else if (unique && (v === true || v === 'true')) tree.append([...to, 'unique'], unique[1], at);
    else if (unique && (v === false || v === 'false')) continue;
    else {
      const hint = getOwn(RULE_HINTS, rule)?.(v) ?? `require = [{ when = "<expression>", message = "…" }]`;
      tree.warnAt('CONFIG_IGNORED', `business rule with no generic meaning, ignored; write instead: ${hint}`, at);
    }
  }
}

function eventHandlers(tree: CanonicalTree, handlers: unknown, from: Path): void {
  const events = isPlainObject(handlers) ? Object.keys(handlers) : [];
  const example =
    events.length > 0
      ? events
          .slice(0, 2)
          .map((e) => `${e} = { field = "data.field" }`)
          .join(', ')
      : 'EventType = { field = "data.field" }';
  tree.warnAt(
    'CONFIG_USER_CODE',
    `names user-code methods, which tusk-es cannot run; describe how each event changes state instead: apply = { ${example} } (an event with no apply entry merges its data into state)`,
    from,
  );
}

function invariants(tree: CanonicalTree, value: unknown, from: Path): void {
  const requires: string[] = [];
  const unique: string[] = [];
  for (const key of isPlainObject(value) ? Object.keys(value) : []) {
    const req = /^(.+)_required$/.exec(key);
    const uniq = /^(.+)_unique$/.exec(key);
    if (req) requires.push(`"${req[1]} IS NOT NULL"`);
    else if (uniq) unique.push(`"${uniq[1]}"`);
  }
  const parts = [
    `require = [${requires.length > 0 ? requires.join(', ') : '"<expression>"'}] on the commands`,
    ...(unique.length > 0 ? [`unique = [${unique.join(', ')}]`] : []),
  ];
  tree.warnAt('CONFIG_IGNORED', `not checked by tusk-es; write them as ${parts.join(' and ')}`, from);
}
