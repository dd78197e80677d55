const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;
/** GitHub stops a job after 6 hours: waiting longer than that can never help. */
const MAX_MS = 6 * UNIT_MS.h;

/**
 * `15m`, `900s`, `1h30m` in milliseconds; undefined when unreadable or outside 1 s..6 h. A bare
 * number has no unit and is unreadable: `15` meant as minutes must not become 15 seconds.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const match = /^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s)?$/.exec(trimmed);
  if (!match || trimmed === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  return inRange(Number(h) * UNIT_MS.h + Number(m) * UNIT_MS.m + Number(s) * UNIT_MS.s);
}

/** A number without a unit (`15`), which parseDuration refuses: worth its own message. */
export function lacksUnit(text: string): boolean {
  return /^\d+$/.test(text.trim());
}

const inRange = (ms: number) => (ms >= UNIT_MS.s && ms <= MAX_MS ? ms : undefined);

/** `15m`, `1h 30m`, `45s`: for messages that repeat a timeout back to the user. */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join(" ") || "0s";
}
