/** `telemetry`: OpenTelemetry traces exported over OTLP/HTTP (issue 19). Off without an endpoint. */
import { z } from 'zod';

export const telemetrySchema = z
  .strictObject({
    otlp_endpoint: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe(
        'OTLP/HTTP collector base URL, as OTEL_EXPORTER_OTLP_ENDPOINT ("http://127.0.0.1:4318"; spans go to <url>/v1/traces as protobuf); unset (an @env that is not set): tracing is off',
      ),
    sample_ratio: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe("share of new traces recorded, 0 to 1; a trace started by a caller (traceparent) follows the caller's decision"),
    service_name: z.string().min(1).default('tusk-es').describe('service.name of the spans'),
  })
  .describe('OpenTelemetry traces (OTLP/HTTP exporter); off by default');

export type TelemetryConfig = z.infer<typeof telemetrySchema>;
