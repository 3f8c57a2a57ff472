/** A real local HTTP receiver for webhook tests: records every request; the test decides each answer. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { EventJson } from '../../src/engine/toEventJson.js';

/** One request as received. */
export interface ReceivedRequest {
  at: number;
  headers: IncomingHttpHeaders;
  raw: string;
  event: EventJson;
}

/** How to answer: a status, optionally after a delay. */
export type Answer = number | { status: number; delayMs: number };

/** A receiver on a fixed port, which can be stopped and started again there. */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Events answered with a 2xx, in order. */
  accepted(): EventJson[];
  answer: (request: ReceivedRequest, attempt: number) => Answer;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (a free port, kept across stop/start). */
export async function startReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const attempts = new Map<string, number>();
  const acceptedIds: EventJson[] = [];
  let server: Server | undefined;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    accepted: () => acceptedIds,
    answer: () => 200,
    stop: async () => {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: async () => {
      if (server !== undefined) return;
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const request: ReceivedRequest = { at: performance.now(), headers: req.headers, raw, event: JSON.parse(raw) as EventJson };
          receiver.requests.push(request);
          const attempt = (attempts.get(request.event.id) ?? 0) + 1;
          attempts.set(request.event.id, attempt);
          const answer = receiver.answer(request, attempt);
          const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
          setTimeout(() => {
            if (res.destroyed) return;
            if (status >= 200 && status < 300) acceptedIds.push(request.event);
            res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
          }, delayMs);
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      port = (s.address() as { port: number }).port;
      server = s;
      receiver.url = `http://127.0.0.1:${port}${path}`;
    },
    close: () => receiver.stop(),
  };
  await receiver.start();
  return receiver;
}
