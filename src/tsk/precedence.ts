/**
 * Operator precedence of load-time expressions. The grammar reads `a op b op c` flat (fewer
 * rule calls, faster); this groups it, loosest first: `||`, `&&`, comparisons, `+ -`,
 * `* / %`; every level associates to the left (as in JavaScript).
 */
import type { BinaryOp, ValueAst } from './ast.js';

const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};

/** Groups `operands[0] ops[0] operands[1] …` into one tree (shunting-yard). */
export function chain(operands: readonly ValueAst[], ops: readonly BinaryOp[]): ValueAst {
  const out: ValueAst[] = [operands[0]!];
  const stack: BinaryOp[] = [];
  const reduce = () => {
    const op = stack.pop()!;
    const right = out.pop()!;
    const left = out.pop()!;
    out.push({ kind: 'binary', op, left, right, location: left.location });
  };
  for (let i = 0; i < ops.length && i + 1 < operands.length; i++) {
    const op = ops[i]!;
    while (stack.length > 0 && PRECEDENCE[stack[stack.length - 1]!] >= PRECEDENCE[op]) reduce();
    stack.push(op);
    out.push(operands[i + 1]!);
  }
  while (stack.length > 0) reduce();
  return out[0]!;
}
