/**
 * Publishes to RabbitMQ on a confirm channel: an event counts as delivered only when the broker
 * confirmed it (persistent message, durable exchange or queue). The connection is opened on
 * first use and again after it is lost (a broker restart), so the relay simply retries.
 */
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { valueText } from '../../util/valueText.js';
import type { Logger } from 'pino';
import type { EventJson } from '../../engine/toEventJson.js';
import { DeliveryError } from '../DeliveryError.js';
import type { Publisher } from '../Publisher.js';
import { rabbitMessage } from './rabbitMessage.js';

/** Where the messages go: a topic exchange (routing key = event type) or one queue. */
export type RabbitTarget = { exchange: string } | { queue: string };

/** A RabbitMQ connection and target. */
export interface RabbitOptions {
  url: string;
  target: RabbitTarget;
  /** Longest wait for the connection or for the confirms of one batch, in ms. */
  timeoutMs: number;
  logger?: Logger;
}

/** A Publisher to a RabbitMQ exchange or queue. */
export class RabbitPublisher implements Publisher {
  readonly target: string;
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private opening: Promise<ConfirmChannel> | undefined;
  private closed = false;

  constructor(private readonly options: RabbitOptions) {
    this.target = 'exchange' in options.target ? `rabbitmq exchange ${options.target.exchange}` : `rabbitmq queue ${options.target.queue}`;
  }

  /** Publishes all events, then waits for their confirms (pipelined, in publish order). */
  async deliver(events: readonly EventJson[]): Promise<void> {
    let channel: ConfirmChannel;
    try {
      channel = await this.open();
    } catch (err) {
      throw new DeliveryError(`${this.target}: cannot connect: ${err instanceof Error ? err.message : String(err)}`, 0, true, err);
    }
    const confirms = events.map((event) => this.publish(channel, event));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs);
    });
    try {
      for (let i = 0; i < confirms.length; i++) {
        const outcome = await Promise.race([confirms[i]!, timeout]);
        if (outcome === null) continue;
        if (outcome === 'timeout') {
          // Unknown fate of the rest: start over on a fresh connection (duplicates are allowed).
          this.drop();
          throw new DeliveryError(`${this.target}: no confirm within ${this.options.timeoutMs} ms`, i, true);
        }
        // A nack is the broker refusing this message; a closed channel is the broker going away.
        const nacked = outcome.message === 'message nacked';
        throw new DeliveryError(`${this.target}: ${outcome.message}`, i, !nacked, outcome);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private publish(channel: ConfirmChannel, event: EventJson): Promise<Error | null> {
    const { routingKey, content, options } = rabbitMessage(event);
    return new Promise((resolve) => {
      const done = (err: unknown) =>
        resolve(err === null || err === undefined ? null : err instanceof Error ? err : new Error(valueText(err)));
      try {
        // A false return only means the socket buffer is full; amqplib still sends it, and a
        // relay batch is bounded, so there is no need to wait for 'drain'.
        if ('exchange' in this.options.target) channel.publish(this.options.target.exchange, routingKey, content, options, done);
        else channel.sendToQueue(this.options.target.queue, content, options, done);
      } catch (err) {
        done(err instanceof Error ? err : new Error('channel closed'));
      }
    });
  }

  private open(): Promise<ConfirmChannel> {
    if (this.closed) return Promise.reject(new Error('publisher closed'));
    if (this.channel !== undefined) return Promise.resolve(this.channel);
    this.opening ??= this.connect().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async connect(): Promise<ConfirmChannel> {
    // Loaded on first use, not at every start of an app that may never publish to RabbitMQ.
    const amqp = await import('amqplib');
    const connection = await amqp.connect(this.options.url, {
      timeout: this.options.timeoutMs,
      clientProperties: { connection_name: 'tusk-es publisher' },
    });
    const forget = () => {
      if (this.connection === connection) {
        this.connection = undefined;
        this.channel = undefined;
      }
    };
    connection.on('error', (err: Error) =>
      this.options.logger?.warn({ err: err.message, target: this.target }, 'RabbitMQ connection error'),
    );
    connection.on('close', forget);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (err: Error) => this.options.logger?.warn({ err: err.message, target: this.target }, 'RabbitMQ channel error'));
      channel.on('close', () => {
        forget();
        // A channel closed by the broker (a failed declaration) leaves the connection useless to us.
        connection.close().catch(() => undefined);
      });
      const target = this.options.target;
      if ('exchange' in target) await channel.assertExchange(target.exchange, 'topic', { durable: true });
      else await channel.assertQueue(target.queue, { durable: true });
      this.connection = connection;
      this.channel = channel;
      if (this.closed) {
        this.drop();
        throw new Error('publisher closed');
      }
      return channel;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    connection?.close().catch(() => undefined);
  }

  /** Closes the connection (unconfirmed messages fail their batch; the relay has stopped by then). */
  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.close().catch(() => undefined);
  }
}
