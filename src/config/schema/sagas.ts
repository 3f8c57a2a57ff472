/** `sagas`: step lists with retries, timeouts and compensation (SPEC §7). */
import { z } from 'zod';
import { duration, expr, int, name, onError, partitions, retryPolicy } from './primitives.js';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const httpCall = z.strictObject({
  url: z.string().refine(isHttpUrl, 'expected an http:// or https:// URL').describe('endpoint URL (http or https), used as written'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST').describe('HTTP method'),
  body: z.record(z.string(), expr).optional().describe('JSON body field → expression; default: { saga_id, saga, step, data }'),
  headers: z.record(z.string(), z.string()).optional().describe('extra request headers'),
  timeout: duration.default(10_000).describe('how long one attempt may take before it counts as failed'),
});

export type SagaCallConfig = z.infer<typeof httpCall>;

const stepSchema = z
  .strictObject({
    name: name.describe('step name'),
    command: z.string().optional().describe('command to run: bare name when unique, or aggregate.Command'),
    compensation: z.string().optional().describe('command that undoes the step'),
    target: expr.optional().describe('aggregate id the command goes to (default: the triggering aggregate_id)'),
    input: z.record(z.string(), expr).default({}).describe('command input field → expression'),
    compensation_target: expr.optional().describe("aggregate id the compensation goes to (default: the step's target)"),
    compensation_input: z.record(z.string(), expr).optional().describe("compensation input field → expression (default: the step's input)"),
    call: httpCall.optional().describe('HTTP call instead of a command'),
    compensation_call: httpCall.optional().describe('HTTP call that undoes the step'),
    personal_data: z
      .boolean()
      .optional()
      .describe('the step copies personal fields of its trigger (declared; its inputs are stored sealed)'),
  })
  .superRefine((s, ctx) => {
    if ((s.command === undefined) === (s.call === undefined)) {
      ctx.addIssue({ code: 'custom', message: `step "${s.name}" needs exactly one of \`command\` or \`call\`` });
    }
    if (s.compensation !== undefined && s.compensation_call !== undefined) {
      ctx.addIssue({ code: 'custom', message: `step "${s.name}" has both \`compensation\` and \`compensation_call\`: keep one` });
    }
  });

export type SagaStepConfig = z.infer<typeof stepSchema>;

export const sagaSchema = z
  .strictObject({
    starts_on: z
      .union([name, z.array(name)])
      .optional()
      .describe('event type(s) that start the saga'),
    steps: z.array(stepSchema).min(1).describe('steps, run in order'),
    timeout: duration.optional().describe('compensate when the saga has not finished by then'),
    retry_policy: retryPolicy
      .default({ max_retries: 3, backoff_multiplier: 2, initial_delay: 100, max_delay: 30_000 })
      .describe('retries of a failed step or compensation, with exponential backoff'),
    partitions: partitions.describe(
      'partitions of the reader of `starts_on` events: split by hash(aggregate type, id) mod N, each run by one of the live `serve` processes (default 1)',
    ),
    on_error: onError
      .default('park')
      .describe(
        'what the saga does with a triggering event it cannot start an instance from after max_retries (see on_error of projections)',
      ),
    max_retries: int
      .refine((n) => n >= 0, 'must be 0 or more')
      .default(3)
      .describe('attempts after the first to start an instance from a triggering event, before on_error applies'),
    description: z.string().optional(),
  })
  .describe('a saga');

export type SagaConfig = z.infer<typeof sagaSchema>;

export const sagasSchema = z.record(z.string(), sagaSchema).default({});
