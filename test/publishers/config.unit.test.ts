/** The publishers/subscribers config: seed 000 as written, and every located mistake. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, lines, modelOf } from '../config/helpers.js';
import { loadConfig } from '../../src/config/index.js';
import { relaySpecs } from '../../src/publishers/relaySpecs.js';

const SEEDS = join(import.meta.dirname, '../fixtures/seeds');
const SEED = readFileSync(join(SEEDS, '000_event_driven_integration.tsk'), 'utf8');
const USE_INSTEAD = 'deliver the events with webhook = "https://…", queue = "…" (RabbitMQ) or topic = "…" (Kafka) instead';

describe("seed 000's event_driven_integration", () => {
  it('in the whole seed, publishers parse as written and each handler is a located CONFIG_USER_CODE error saying what to use instead', async () => {
    const all = await loadConfig(join(SEEDS, '000_all.tsk'), { mode: 'check', env: {} });
    const ours = all.diagnostics.filter((d) => /publishers|subscribers|event_driven_integration/.test(d.message));
    expect(lines(ours).map((l) => l.replace(/^\d+:/, 'L:'))).toEqual([
      `L:23 error CONFIG_USER_CODE event_driven_integration.event_subscribers.notification_service.handler: handler "NotificationEventHandler" is user code, which tusk-es cannot run; ${USE_INSTEAD}`,
      `L:23 error CONFIG_USER_CODE event_driven_integration.event_subscribers.analytics_service.handler: handler "AnalyticsEventHandler" is user code, which tusk-es cannot run; ${USE_INSTEAD}`,
      `L:23 error CONFIG_USER_CODE event_driven_integration.event_subscribers.audit_service.handler: handler "AuditEventHandler" is user code, which tusk-es cannot run; ${USE_INSTEAD}`,
    ]);
    const allText = readFileSync(join(SEEDS, '000_all.tsk'), 'utf8').split('\n');
    const allLine = (needle: string) => allText.findIndex((l) => l.includes(needle)) + 1;
    expect(ours.map((d) => d.location?.line)).toEqual([
      allLine('NotificationEventHandler'),
      allLine('AnalyticsEventHandler'),
      allLine('AuditEventHandler'),
    ]);
  });

  it('with the handlers replaced by targets it is a valid model with one relay per target', async () => {
    const fixed = SEED.replace('handler = "NotificationEventHandler"', 'webhook = "https://notify.example/hook"')
      .replace('handler = "AnalyticsEventHandler"', 'topic = "analytics"')
      .replace('handler = "AuditEventHandler"', 'queue = "audit"');
    // the seed block alone does not declare UserCreated and OrderShipped (other blocks of seed 000 do)
    const { model, diagnostics } = await modelOf(`events = { UserCreated = {}, OrderShipped = {} }\n${fixed}`);
    expect(diagnostics).toEqual([]);
    expect(model.publishers.kafka).toMatchObject({ brokers: ['localhost:9092'], topic_prefix: 'events.' });
    expect(model.publishers.rabbitmq).toMatchObject({ host: 'localhost', exchange: 'events', port: 5672 });
    expect(model.publishers.webhooks).toMatchObject({
      endpoints: ['https://api.external.com/events'],
      retry_policy: { max_retries: 3, backoff_multiplier: 2 },
    });
    const specs = relaySpecs(model);
    expect(specs.map((s) => [s.name, s.types])).toEqual([
      ['kafka', undefined],
      ['rabbitmq', undefined],
      ['webhooks:https://api.external.com/events', undefined],
      ['subscriber:notification_service', ['UserCreated', 'OrderShipped']],
      ['subscriber:analytics_service', undefined],
      ['subscriber:audit_service', undefined],
    ]);
    expect(specs.map((s) => s.createPublisher().target)).toEqual([
      'kafka kafka',
      'rabbitmq exchange events',
      'https://api.external.com/events',
      'https://notify.example/hook',
      'kafka subscriber:analytics_service',
      'rabbitmq queue audit',
    ]);
  });
});

describe('subscriber and publisher mistakes are located errors', () => {
  it('a subscriber with no target', async () => {
    expect(await diagnosticsOf('subscribers = {\n  audit = { events = ["*"] }\n}')).toEqual([
      '2:3 error CONFIG_INVALID subscribers.audit: a subscriber needs webhook = "https://…", queue = "…" (RabbitMQ) or topic = "…" (Kafka)',
    ]);
  });

  it('a subscriber with two targets', async () => {
    expect(
      await diagnosticsOf('subscribers = {\n  audit = { webhook = "https://x.test/a", topic = "t", brokers = ["k:9092"] }\n}'),
    ).toEqual([
      '2:43 error CONFIG_INVALID subscribers.audit.topic: a subscriber delivers to one target, not webhook and topic; declare one subscriber per target',
    ]);
  });

  it('a queue or a topic with no broker to reach', async () => {
    expect(await diagnosticsOf('subscribers = {\n  q = { queue = "audit" }\n  t = { topic = "audit" }\n}')).toEqual([
      '2:17 error CONFIG_REFERENCE subscribers.q.queue: queue needs a RabbitMQ connection: set url = "amqp://…" here or declare publishers.rabbitmq',
      '3:17 error CONFIG_REFERENCE subscribers.t.topic: topic needs Kafka brokers: set brokers = ["host:9092"] here or declare publishers.kafka',
    ]);
  });

  it('a queue subscriber with its own url, or next to publishers.rabbitmq, is fine', async () => {
    expect(await diagnosticsOf('subscribers = { q = { queue = "audit", url = "amqp://mq" } }')).toEqual([]);
    expect(await diagnosticsOf('publishers = { rabbitmq = { url = "amqp://mq" } }\nsubscribers = { q = { queue = "audit" } }')).toEqual([]);
  });

  it('a webhook that is not an http(s) URL, and RabbitMQ without url or host', async () => {
    const diags = await diagnosticsOf(
      'publishers = {\n  webhooks = { endpoints = ["ftp://x.test/hook"] }\n  rabbitmq = { exchange = "e" }\n}',
    );
    expect(diags).toHaveLength(2);
    expect(diags[0]).toMatch(/^2:29 error CONFIG_INVALID publishers\.webhooks\.endpoints\[0\]: .*expected an http:\/\/ or https:\/\/ URL/);
    expect(diags[1]).toMatch(/^3:14 error CONFIG_INVALID publishers\.rabbitmq: .*RabbitMQ needs url = "amqp:\/\/…" or host = "…"/);
  });

  it('an unknown key in a publisher block gets a did-you-mean', async () => {
    const [diag] = await diagnosticsOf('publishers = { kafka = { brokers = ["k:9092"], topic_prefx = "e." } }');
    expect(diag).toMatch(/CONFIG_UNKNOWN_KEY .*topic_prefx.*topic_prefix/);
  });
});
