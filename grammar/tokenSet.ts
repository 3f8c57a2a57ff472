/**
 * A set of token types looked up by the type's index in a table: what a `Set<TokenType>` is
 * for, at a fraction of the cost on the hot paths (the layout pass and the direct reading ask
 * several such questions per token of a large file; hashing the type object showed in profiles).
 */
import type { TokenType } from 'chevrotain';

export class TokenSet {
  private readonly member: Uint8Array;

  constructor(types: Iterable<TokenType>) {
    const list = [...types];
    this.member = new Uint8Array(Math.max(0, ...list.map((t) => t.tokenTypeIdx!)) + 1);
    for (const t of list) this.member[t.tokenTypeIdx!] = 1;
  }

  /** True when `type` is in the set (undefined, the end of the tokens, never is). */
  has(type: TokenType | undefined): boolean {
    return type !== undefined && this.member[type.tokenTypeIdx!] === 1;
  }
}
