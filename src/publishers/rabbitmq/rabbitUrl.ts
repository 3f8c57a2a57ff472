/** The amqp:// URL of a `publishers.rabbitmq` block: its `url`, or one built from host, port, user, password. */
import type { RabbitmqConfig } from '../../config/schema/publishers.js';

/** The connection URL, with a heartbeat so a dead broker is noticed within seconds. */
export function rabbitUrl(config: Pick<RabbitmqConfig, 'url' | 'host' | 'port' | 'username' | 'password' | 'vhost'>): string {
  let url: URL;
  if (config.url !== undefined) {
    url = new URL(config.url);
  } else {
    url = new URL('amqp://localhost');
    url.hostname = config.host ?? 'localhost';
    url.port = String(config.port);
    url.username = encodeURIComponent(config.username ?? 'guest');
    url.password = encodeURIComponent(config.password ?? 'guest');
    if (config.vhost !== undefined) url.pathname = `/${encodeURIComponent(config.vhost)}`;
  }
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '10');
  return url.toString();
}
