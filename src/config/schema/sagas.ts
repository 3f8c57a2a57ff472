/** `sagas`: step lists with retries, timeouts and compensation (SPEC §7). */
import { z } from 'zod';
import { duration, expr, name, retryPolicy } from './primitives.js';

const httpCall = z.strictObject({
  url: z.string().describe('endpoint URL (may contain {expr} placeholders? no: plain)'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  body: z.record(z.string(), expr).optional().describe('JSON body field → expression'),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: duration.default(10_000),
});

const stepSchema = z
  .strictObject({
    name: name.describe('step name'),
    command: z.string().optional().describe('command to run: bare name when unique, or aggregate.Command'),
    compensation: z.string().optional().describe('command that undoes the step'),
    target: expr.optional().describe('aggregate id the command goes to (default: the triggering aggregate_id)'),
    input: z.record(z.string(), expr).default({}).describe('command input field → expression'),
    compensation_target: expr.optional(),
    compensation_input: z.record(z.string(), expr).optional(),
    call: httpCall.optional().describe('HTTP call instead of a command'),
    compensation_call: httpCall.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.command === undefined) === (s.call === undefined)) {
      ctx.addIssue({ code: 'custom', message: `step "${s.name}" needs exactly one of \`command\` or \`call\`` });
    }
  });

export type SagaStepConfig = z.infer<typeof stepSchema>;

export const sagaSchema = z
  .strictObject({
    starts_on: z.union([name, z.array(name)]).optional().describe('event type(s) that start the saga'),
    steps: z.array(stepSchema).min(1).describe('steps, run in order'),
    timeout: duration.optional().describe('compensate when the saga has not finished by then'),
    retry_policy: retryPolicy.default({ max_retries: 3, backoff_multiplier: 2, initial_delay: 100, max_delay: 30_000 }),
    description: z.string().optional(),
  })
  .describe('a saga');

export type SagaConfig = z.infer<typeof sagaSchema>;

export const sagasSchema = z.record(z.string(), sagaSchema).default({});
