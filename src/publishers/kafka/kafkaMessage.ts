/**
 * How an event becomes a Kafka message: key = aggregate id (so one aggregate's events share a
 * partition and keep their order), value = the event JSON, headers = its envelope fields.
 */
import type { Message } from 'kafkajs';
import type { EventJson } from '../../engine/toEventJson.js';
import { eventHeaders } from '../eventHeaders.js';

/** A message and the topic it goes to. */
export interface KafkaRecord {
  topic: string;
  message: Message;
}

/** Picks the topic of an event: `topic_prefix` + aggregate type, or a subscriber's fixed topic. */
export type TopicOf = (event: EventJson) => string;

/** Topics named `<prefix><aggregate type>`. */
export function prefixTopics(prefix: string): TopicOf {
  return (event) => `${prefix}${event.aggregate_type}`;
}

/** The Kafka record of `event`. */
export function kafkaMessage(event: EventJson, topicOf: TopicOf): KafkaRecord {
  return {
    topic: topicOf(event),
    message: {
      key: event.aggregate_id,
      value: JSON.stringify(event),
      headers: eventHeaders(event),
      timestamp: String(Date.parse(event.timestamp)),
    },
  };
}

/** Groups records by topic, keeping the order of the events inside each topic (one sendBatch). */
export function topicMessages(events: readonly EventJson[], topicOf: TopicOf): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const event of events) {
    const { topic, message } = kafkaMessage(event, topicOf);
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * True when Kafka refused the messages themselves (a non-retriable protocol error such as
 * MESSAGE_TOO_LARGE or an authorization failure): retried, then dead-lettered. Anything else
 * (connection errors, timeouts, leader elections) means the cluster is unavailable for now.
 */
export function isKafkaRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const x = e as { name?: unknown; retriable?: unknown; cause?: unknown; originalError?: unknown };
    if (x.name === 'KafkaJSProtocolError' && x.retriable === false) return true;
    e = x.originalError ?? x.cause;
  }
  return false;
}
