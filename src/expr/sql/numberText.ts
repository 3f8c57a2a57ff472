/**
 * A float8 as JavaScript's String(x) prints it. PostgreSQL's float8 text has the same
 * shortest digits but switches to exponents at other magnitudes ('1e+15', '1e-05') and pads
 * exponents ('1.5e-07'); `numeric` text never uses exponents. `v` is used several times, so
 * it must be atomic (a placeholder, a column or a subquery's column).
 */
export function jsNumberText(v: string): string {
  return `CASE WHEN abs(${v}) >= 1e21 OR (${v} <> 0 AND abs(${v}) < 1e-6) THEN regexp_replace((${v})::text, 'e([+-])0*([0-9])', 'e\\1\\2') ELSE (${v})::text::numeric::text END`;
}
