/** A SqlClient that records the start of every statement it sends, in a transaction or not (tests count round trips). */
import type { SqlClient } from '../../src/store/SqlClient.js';

/**
 * `client`, recording each statement whole (whitespace collapsed) into `into`: a failed count
 * shows what was sent, and a test matches a statement's start with startsWith.
 */
export function countingClient(client: SqlClient, into: () => string[]): SqlClient {
  const seen = (sql: string) => into().push(sql.replace(/\s+/g, ' ').trim());
  return {
    kind: client.kind,
    query: (sql, params) => (seen(sql), client.query(sql, params)),
    queryArrays: (sql, params) => (seen(sql), client.queryArrays(sql, params)),
    transaction: (fn, options) => {
      seen(options?.prelude === undefined ? 'BEGIN' : `BEGIN; ${options.prelude}`);
      return client.transaction((tx) => fn({ query: (sql, params) => (seen(sql), tx.query(sql, params)) }), options);
    },
    close: () => client.close(),
    ...(client.listen === undefined ? {} : { listen: client.listen.bind(client) }),
  };
}
