/**
 * Compiles a saga of the config once at startup: command references resolved to aggregate
 * commands, every expression compiled. A config `check` accepts always compiles; one that
 * slipped through fails the start with the config path named.
 */
import type { OnError } from '../consumers/poison.js';
import type { SagaCallConfig, SagaConfig, SagaStepConfig } from '../config/schema/sagas.js';
import type { AggregateDefinition } from '../engine/AggregateDefinition.js';
import { compileExpr, type CompiledExpr } from '../engine/compileExpr.js';
import { ConfigError } from '../errors.js';

/** A step's or compensation's command, resolved. */
export interface CommandRef {
  aggregateType: string;
  command: string;
  creates: boolean;
  /** The input fields the command declares. */
  inputFields: readonly string[];
}

/** A compiled `call`. */
export interface CompiledCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** undefined: the default body. */
  body: ReadonlyArray<readonly [string, CompiledExpr]> | undefined;
  timeoutMs: number;
}

/** A compiled map of field → expression. */
export type CompiledFields = ReadonlyArray<readonly [string, CompiledExpr]>;

/** One compiled step. */
export interface CompiledStep {
  index: number;
  name: string;
  command?: CommandRef;
  call?: CompiledCall;
  target?: CompiledExpr;
  input: CompiledFields;
  compensation?: CommandRef;
  compensationCall?: CompiledCall;
  compensationTarget?: CompiledExpr;
  compensationInput?: CompiledFields;
}

/** Retry policy in milliseconds. */
export interface RetryPolicy {
  maxRetries: number;
  multiplier: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** One compiled saga. */
export interface SagaDefinition {
  name: string;
  startsOn: readonly string[];
  /** Partitions of its trigger reader (default 1; see src/consumers/Fleet.ts). */
  partitions?: number;
  steps: readonly CompiledStep[];
  timeoutMs?: number;
  retry: RetryPolicy;
  /** What the trigger consumer does with an event it cannot start an instance from, after `maxRetries`. */
  onError: OnError;
  maxRetries: number;
}

/** Finds the aggregate command `ref` names: `Command` when unique, or `aggregate.Command`. */
export function resolveCommandRef(definitions: ReadonlyMap<string, AggregateDefinition>, ref: string): CommandRef | string {
  const found: CommandRef[] = [];
  for (const def of definitions.values()) {
    for (const cmd of def.commands.values()) {
      if (cmd.name !== ref && `${def.name}.${cmd.name}` !== ref) continue;
      found.push({ aggregateType: def.name, command: cmd.name, creates: cmd.creates, inputFields: cmd.input.map(([field]) => field) });
    }
  }
  const exact = found.filter((c) => `${c.aggregateType}.${c.command}` === ref);
  if (exact.length === 1) return exact[0]!;
  if (found.length === 1) return found[0]!;
  return found.length === 0
    ? `command '${ref}' is not declared by any aggregate`
    : `command '${ref}' is ambiguous: write aggregate.Command`;
}

/** Compiles saga `name`. */
export function compileSaga(name: string, config: SagaConfig, definitions: ReadonlyMap<string, AggregateDefinition>): SagaDefinition {
  const where = `sagas.${name}`;
  const p = config.retry_policy;
  return {
    name,
    startsOn: config.starts_on === undefined ? [] : Array.isArray(config.starts_on) ? config.starts_on : [config.starts_on],
    partitions: config.partitions ?? 1,
    steps: config.steps.map((step, index) => compileStep(step, index, `${where}.steps[${index}]`, definitions)),
    ...(config.timeout !== undefined ? { timeoutMs: config.timeout } : {}),
    retry: { maxRetries: p.max_retries, multiplier: p.backoff_multiplier, initialDelayMs: p.initial_delay, maxDelayMs: p.max_delay },
    onError: config.on_error,
    maxRetries: config.max_retries,
  };
}

function compileStep(
  step: SagaStepConfig,
  index: number,
  where: string,
  definitions: ReadonlyMap<string, AggregateDefinition>,
): CompiledStep {
  const ref = (text: string, key: string): CommandRef => {
    const r = resolveCommandRef(definitions, text);
    if (typeof r === 'string') throw new ConfigError(`${where}.${key}: ${r}`, []);
    return r;
  };
  return {
    index,
    name: step.name,
    ...(step.command !== undefined ? { command: ref(step.command, 'command') } : {}),
    ...(step.call !== undefined ? { call: compileCall(step.call, `${where}.call`) } : {}),
    ...(step.target !== undefined ? { target: compileExpr(step.target, `${where}.target`) } : {}),
    input: compileFields(step.input, `${where}.input`),
    ...(step.compensation !== undefined ? { compensation: ref(step.compensation, 'compensation') } : {}),
    ...(step.compensation_call !== undefined
      ? { compensationCall: compileCall(step.compensation_call, `${where}.compensation_call`) }
      : {}),
    ...(step.compensation_target !== undefined
      ? { compensationTarget: compileExpr(step.compensation_target, `${where}.compensation_target`) }
      : {}),
    ...(step.compensation_input !== undefined
      ? { compensationInput: compileFields(step.compensation_input, `${where}.compensation_input`) }
      : {}),
  };
}

function compileCall(call: SagaCallConfig, where: string): CompiledCall {
  return {
    url: call.url,
    method: call.method,
    headers: call.headers ?? {},
    body: call.body === undefined ? undefined : compileFields(call.body, `${where}.body`),
    timeoutMs: call.timeout,
  };
}

function compileFields(fields: Record<string, string>, where: string): CompiledFields {
  return Object.entries(fields).map(([field, text]) => [field, compileExpr(text, `${where}.${field}`)] as const);
}
