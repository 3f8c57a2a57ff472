/**
 * `tests`: scenario tests declared in .tsk (SPEC §12), run by `tusk-es test`. A scenario
 * stores its `given` events, runs its `when` command, and compares what happened with its
 * `then*` keys. Expected objects match as subsets: keys left out are not compared.
 */
import { z } from 'zod';
import { name } from './primitives.js';

const json = z.record(z.string(), z.unknown());

const givenEvent = z
  .strictObject({
    type: name.describe('event type'),
    data: json.default({}).describe('event data, stored as written (not validated, not upcast)'),
    metadata: json.default({}).describe('event metadata'),
    event_version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("schema version the event is stored at (default: the type's current version)"),
    aggregate: name.optional().describe("aggregate type of the event's stream (default: the scenario's `aggregate`)"),
    aggregate_id: z.string().min(1).optional().describe("aggregate id of the event's stream (default: the scenario's `aggregate_id`)"),
  })
  .describe('an event stored before the scenario runs');

const expectedEvent = z
  .strictObject({
    type: name.optional().describe('expected event type'),
    data: json.optional().describe('expected data (a subset: fields left out are not compared)'),
    metadata: json.optional().describe('expected metadata (a subset)'),
    event_version: z.number().int().min(1).optional().describe('expected schema version'),
    aggregate_id: z.string().optional().describe('expected aggregate id'),
  })
  .describe('an expected event; keys left out are not compared');

const whenCommand = z
  .strictObject({
    command: name.describe("command of the scenario's aggregate to run"),
    input: json.default({}).describe('command input'),
    aggregate_id: z
      .string()
      .min(1)
      .optional()
      .describe("aggregate id (default: the scenario's `aggregate_id`; a `creates` command may run without one)"),
    if_match: z.number().int().min(0).optional().describe('expected version, as the If-Match header'),
  })
  .describe('the command the scenario runs');

const outcome = z.enum(['ok', 'fail']);
const outcomes = z
  .record(z.string(), z.union([outcome, z.array(outcome).min(1)]))
  .describe('step name → "ok" or "fail", or a list per attempt (the last one repeats); steps not named succeed');

const thenSaga = z
  .strictObject({
    status: z.enum(['completed', 'compensated', 'failed']).optional().describe('expected final status'),
    steps: z.array(z.string()).optional().describe('the steps that ran, in order (each once, however many attempts)'),
    compensations: z.array(z.string()).optional().describe('the steps whose compensation ran, in order'),
    commands: z
      .array(json)
      .optional()
      .describe(
        'the commands dispatched, in order, one per step or compensation: { command, aggregate_type, aggregate_id, input } as subsets',
      ),
  })
  .describe('what the saga did');

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    aggregate: name.optional().describe('aggregate type the scenario is about (its `given` events and its `when` command)'),
    aggregate_id: z.string().min(1).default('test-1').describe('aggregate id of the scenario'),
    given: z.array(givenEvent).default([]).describe('events stored before the command runs'),
    when: whenCommand.optional(),
    then: z.array(expectedEvent).optional().describe('the events the command emits, in order'),
    then_error: z
      .strictObject({
        code: z.string().min(1).describe('expected error code (RULE_VIOLATION, INVALID_INPUT, …)'),
        message: z.string().optional().describe('expected error message'),
      })
      .optional()
      .describe('the command fails with this error and writes nothing'),
    then_state: json.optional().describe('the aggregate state afterwards (a subset)'),
    then_rows: z
      .record(z.string(), z.array(json))
      .optional()
      .describe('projection name → its rows afterwards, ordered by key (each row a subset)'),
    then_upcast: z.array(expectedEvent).optional().describe('the `given` events as read after upcasting, in order'),
    saga: name.optional().describe('saga to run with the first `given` event as its trigger'),
    outcomes: outcomes.optional(),
    compensation_outcomes: outcomes.optional().describe('step name → outcome of its compensation; compensations not named succeed'),
    then_saga: thenSaga.optional(),
  })
  .superRefine((s, ctx) => {
    const thens = [s.then, s.then_error, s.then_state, s.then_rows, s.then_upcast, s.then_saga].filter((t) => t !== undefined);
    if (thens.length === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'a scenario needs something to expect: then, then_error, then_state, then_rows, then_upcast or then_saga',
      });
    if (s.then !== undefined && s.then_error !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a scenario expects either `then` (events) or `then_error`, not both' });
    if ((s.then !== undefined || s.then_error !== undefined) && s.when === undefined)
      ctx.addIssue({ code: 'custom', message: '`then` and `then_error` need a `when` command' });
    if ((s.when !== undefined || s.then_state !== undefined) && s.aggregate === undefined)
      ctx.addIssue({ code: 'custom', message: "`when` and `then_state` need the scenario's `aggregate`" });
    if (s.then_saga !== undefined && s.saga === undefined) ctx.addIssue({ code: 'custom', message: '`then_saga` needs the `saga` to run' });
    s.given.forEach((g, i) => {
      if (g.aggregate === undefined && s.aggregate === undefined && s.saga === undefined)
        ctx.addIssue({ code: 'custom', path: ['given', i], message: 'this event needs an `aggregate` (on the event or on the scenario)' });
    });
    if (s.saga !== undefined && s.given.length === 0)
      ctx.addIssue({ code: 'custom', message: 'a saga scenario needs its trigger as the first `given` event' });
  })
  .describe('one scenario test');

export type ScenarioConfig = z.infer<typeof scenarioSchema>;

export const testsSchema = z
  .record(z.string(), scenarioSchema)
  .default({})
  .describe('scenario tests: name → scenario (run by `tusk-es test`)');
