/**
 * The roles some tokens play, which only the parse can tell (`>` opens a `name > … <` block or
 * compares; `:` separates a key or a ternary's branches; `-` negates or subtracts). The
 * formatter (src/tsk/format/) lays tokens out by role.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';

export interface TokenRoles {
  /** The `>` and `<` of `name > … <` blocks. */
  angle: Set<IToken>;
  /** The `?` and `:` of ternaries. */
  ternary: Set<IToken>;
  /** Prefix `!` and `-`. */
  unary: Set<IToken>;
}

function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && 'children' in e;
}

/** Collects the roles from a CST (of an error-free parse). */
export function tokenRoles(cst: CstNode): TokenRoles {
  const roles: TokenRoles = { angle: new Set(), ternary: new Set(), unary: new Set() };
  const add = (set: Set<IToken>, els: CstElement[] | undefined) => {
    for (const e of els ?? []) if (!isNode(e)) set.add(e);
  };
  const stack: CstNode[] = [cst];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    const c = n.children;
    if (n.name === 'angleObject') {
      add(roles.angle, c.Greater);
      add(roles.angle, c.Less);
    } else if (n.name === 'value') {
      add(roles.ternary, c.Question);
      add(roles.ternary, c.Colon);
    } else if (n.name === 'operand') add(roles.unary, c.unary);
    for (const list of Object.values(c)) for (const e of list) if (isNode(e)) stack.push(e);
  }
  return roles;
}
