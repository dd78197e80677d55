/**
 * Compares two runs of ASCII digits as non-negative integers of any length, so `"010"` equals
 * `"10"` and a 20-digit build number compares exactly (no float rounding, no BigInt needed).
 *
 * @example
 * compareDigitRuns("9", "10"); // < 0
 * compareDigitRuns("010", "10"); // 0
 */
export function compareDigitRuns(a: string, b: string): number {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length - y.length;
  return compareCodeUnits(x, y);
}

/**
 * Plain code-unit order, independent of the locale, for deterministic tie-breaks.
 *
 * @example
 * compareCodeUnits("B", "a"); // < 0 (uppercase sorts first)
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function stripLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits[start] === "0") start++;
  return digits.slice(start);
}
