/**
 * ROUND and `%` work on the decimal a number prints as (its shortest round-trip form, which
 * is what PostgreSQL's float8 text output gives too), so that ROUND(2.675, 2) is 2.68 as a
 * person expects, and so the SQL back end can compute the same thing with `numeric`.
 */

/** A decimal `digits × 10^-scale`. */
interface Decimal {
  digits: bigint;
  scale: number;
}

/** The decimal `x` prints as. */
function decimalOf(x: number): Decimal {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`not a finite number: ${x}`);
  const [, sign, int, frac = '', exp = '0'] = m;
  let digits = BigInt(`${sign}${int}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

function toNumber(d: Decimal): number {
  // correctly rounded, as PostgreSQL's numeric → float8 is
  return Number(`${d.digits}e${-d.scale}`) + 0;
}

/** `x` rounded to `places` decimal places (negative: left of the point), halves away from zero. */
export function roundHalfAwayFromZero(x: number, places: number): number {
  const d = decimalOf(x);
  if (d.scale <= places) return x + 0;
  const divisor = 10n ** BigInt(d.scale - places);
  let q = d.digits / divisor;
  const r = d.digits % divisor;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= divisor) q += d.digits < 0n ? -1n : 1n;
  return toNumber({ digits: q, scale: places });
}

/** `a mod b` on the decimals (sign of `a`, as SQL's mod), or null when b is 0. */
export function decimalMod(a: number, b: number): number | null {
  if (b === 0) return null;
  const x = decimalOf(a);
  const y = decimalOf(b);
  const scale = Math.max(x.scale, y.scale);
  const xs = x.digits * 10n ** BigInt(scale - x.scale);
  const ys = y.digits * 10n ** BigInt(scale - y.scale);
  return toNumber({ digits: xs % ys, scale });
}
