import { compareCodeUnits, compareDigitRuns } from "./digits.js";

const DIGIT = /\d/;
const RUNS = /\d+|\D+/g;

/**
 * Orders tags newest first when the registry gives no timestamps (generic registries list
 * tags lexically, so `v1.10` would sit before `v1.9`). Tags without digits (`latest`, `main`)
 * come first, alphabetically, because they are rolling and always worth keeping. The others
 * compare naturally, runs of digits as numbers, higher first. Ties (`v01` and `v1`) fall back
 * to code-unit order, so the result never depends on the input order or the locale.
 *
 * @example
 * ["v1.9", "main", "v1.10", "main-x-1700000000", "main-x-1700000001"].sort(compareTagsNewestFirst);
 * // ["main", "v1.10", "v1.9", "main-x-1700000001", "main-x-1700000000"]
 */
export function compareTagsNewestFirst(a: string, b: string): number {
  const aRolling = !DIGIT.test(a);
  const bRolling = !DIGIT.test(b);
  if (aRolling !== bRolling) return aRolling ? -1 : 1;
  if (aRolling) return compareCodeUnits(a, b);
  return compareNatural(b, a) || compareCodeUnits(a, b);
}

/**
 * Digit runs compare numerically, other runs by code unit, and a digit run against another
 * run by code unit: digit runs all start within `0`-`9`, other runs never do, so this stays a
 * consistent (transitive) order.
 */
function compareNatural(a: string, b: string): number {
  const aRuns = a.match(RUNS) ?? [];
  const bRuns = b.match(RUNS) ?? [];
  const length = Math.min(aRuns.length, bRuns.length);
  for (let i = 0; i < length; i++) {
    const x = aRuns[i] ?? "";
    const y = bRuns[i] ?? "";
    const order = DIGIT.test(x) && DIGIT.test(y) ? compareDigitRuns(x, y) : compareCodeUnits(x, y);
    if (order !== 0) return order;
  }
  return aRuns.length - bRuns.length;
}
