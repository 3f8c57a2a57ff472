/**
 * The /metrics text of a sharded app's front (issue 20): its own registry merged with its tenant
 * runtimes', each labelled with its tenant, one family per metric name (Prometheus refuses a
 * page where a family's TYPE appears twice), histograms kept apart per tenant.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from '../../src/runtime/metrics.js';

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

describe('RuntimeMetrics.exposition', () => {
  it("is the registry's own text while nothing is included", async () => {
    const front = new RuntimeMetrics();
    front.commandFinished('note', 'CreateNote', 'accepted', 0.002);
    expect(await front.exposition()).toBe(await front.registry.metrics());
  });

  it("merges the included tenants' figures family by family, each sample labelled with its tenant", async () => {
    const front = new RuntimeMetrics();
    const tenants = ['acme', 'bolt'].map((tenant) => {
      const metrics = new RuntimeMetrics();
      metrics.registry.setDefaultLabels({ tenant });
      return metrics;
    });
    front.include(() => tenants.map((m) => m.registry));
    front.httpRequests.inc({ method: 'GET', route: '/health', status: '200' });
    tenants[0]!.commandFinished('note', 'CreateNote', 'accepted', 0.002);
    tenants[0]!.commandFinished('note', 'CreateNote', 'accepted', 0.004);
    tenants[1]!.commandFinished('note', 'CreateNote', 'accepted', 0.3);

    const text = await front.exposition();
    for (const family of ['tusk_commands_total', 'tusk_command_duration_seconds', 'tusk_http_requests_total'])
      expect(lines(text, `# TYPE ${family} `)).toHaveLength(1);
    expect(lines(text, 'tusk_commands_total{')).toEqual([
      'tusk_commands_total{aggregate_type="note",command="CreateNote",outcome="accepted",tenant="acme"} 2',
      'tusk_commands_total{aggregate_type="note",command="CreateNote",outcome="accepted",tenant="bolt"} 1',
    ]);
    expect(lines(text, 'tusk_command_duration_seconds_count{')).toEqual([
      'tusk_command_duration_seconds_count{aggregate_type="note",command="CreateNote",tenant="acme"} 2',
      'tusk_command_duration_seconds_count{aggregate_type="note",command="CreateNote",tenant="bolt"} 1',
    ]);
    expect(lines(text, 'tusk_command_duration_seconds_bucket{le="0.005",')).toEqual([
      'tusk_command_duration_seconds_bucket{le="0.005",aggregate_type="note",command="CreateNote",tenant="acme"} 2',
      'tusk_command_duration_seconds_bucket{le="0.005",aggregate_type="note",command="CreateNote",tenant="bolt"} 0',
    ]);
    // the front's own samples stay unlabelled
    expect(lines(text, 'tusk_http_requests_total{')).toEqual(['tusk_http_requests_total{method="GET",route="/health",status="200"} 1']);
  });
});
