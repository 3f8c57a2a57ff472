/** How an event becomes a RabbitMQ message: JSON body, persistent, routed by its type. */
import type { Options } from 'amqplib';
import type { EventJson } from '../../engine/toEventJson.js';
import { eventHeaders } from '../eventHeaders.js';

/** A message ready for publish(exchange, routingKey, content, options). */
export interface RabbitMessage {
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/** The message of `event` (routing key = event type). */
export function rabbitMessage(event: EventJson): RabbitMessage {
  const correlation = event.metadata.correlation_id;
  return {
    routingKey: event.type,
    content: Buffer.from(JSON.stringify(event)),
    options: {
      persistent: true,
      contentType: 'application/json',
      messageId: event.id,
      type: event.type,
      appId: 'tusk-es',
      timestamp: Math.floor(Date.parse(event.timestamp) / 1000),
      ...(typeof correlation === 'string' ? { correlationId: correlation } : {}),
      headers: eventHeaders(event),
    },
  };
}
