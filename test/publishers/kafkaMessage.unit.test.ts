/** The Kafka message mapping: topic, key, value, headers; grouping; which errors are refusals. */
import { describe, expect, it } from 'vitest';
import { isKafkaRefusal, kafkaMessage, prefixTopics, topicMessages } from '../../src/publishers/kafka/kafkaMessage.js';
import { eventJson } from './eventJson.js';

describe('kafka message mapping', () => {
  it('topic = prefix + aggregate type, key = aggregate id, value = the event JSON, envelope headers', () => {
    const { topic, message } = kafkaMessage(eventJson(), prefixTopics('events.'));
    expect(topic).toBe('events.order');
    expect(message.key).toBe('o-1');
    expect(JSON.parse(String(message.value))).toEqual(eventJson());
    expect(message.timestamp).toBe(String(Date.parse('2025-01-02T03:04:05.678Z')));
    expect(message.headers).toEqual({
      event_id: '0190a1b2-0000-7000-8000-000000000001',
      event_type: 'OrderCreated',
      aggregate_type: 'order',
      aggregate_id: 'o-1',
      version: '3',
      event_version: '2',
      position: '42',
      correlation_id: 'corr-1',
      causation_id: 'cause-1',
    });
  });

  it('leaves out correlation headers that are absent or not strings', () => {
    const { message } = kafkaMessage(eventJson({ metadata: { correlation_id: 7 } }), prefixTopics(''));
    expect(message.headers).not.toHaveProperty('correlation_id');
    expect(message.headers).not.toHaveProperty('causation_id');
  });

  it('a subscriber topic is fixed whatever the aggregate type', () => {
    expect(kafkaMessage(eventJson({ aggregate_type: 'user' }), () => 'audit').topic).toBe('audit');
  });

  it('groups a batch by topic and keeps the event order inside each topic', () => {
    const events = [
      eventJson({ aggregate_id: 'a', version: 1 }),
      eventJson({ aggregate_type: 'user', aggregate_id: 'u', version: 1 }),
      eventJson({ aggregate_id: 'a', version: 2 }),
      eventJson({ aggregate_id: 'b', version: 1 }),
    ];
    const grouped = topicMessages(events, prefixTopics('t.'));
    expect(grouped.map((g) => [g.topic, g.messages.map((m) => `${String(m.key)}:${String(m.headers!.version)}`)])).toEqual([
      ['t.order', ['a:1', 'a:2', 'b:1']],
      ['t.user', ['u:1']],
    ]);
  });

  it('only a non-retriable protocol error is a refusal of the messages; connection trouble is an outage', () => {
    expect(isKafkaRefusal({ name: 'KafkaJSProtocolError', retriable: false, type: 'MESSAGE_TOO_LARGE' })).toBe(true);
    expect(
      isKafkaRefusal({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { name: 'KafkaJSProtocolError', retriable: false } }),
    ).toBe(true);
    expect(isKafkaRefusal({ name: 'KafkaJSProtocolError', retriable: true, type: 'LEADER_NOT_AVAILABLE' })).toBe(false);
    expect(isKafkaRefusal({ name: 'KafkaJSConnectionError', retriable: true })).toBe(false);
    expect(isKafkaRefusal({ name: 'KafkaJSNumberOfRetriesExceeded', originalError: { name: 'KafkaJSConnectionError' } })).toBe(false);
    expect(isKafkaRefusal(new Error('boom'))).toBe(false);
  });
});
