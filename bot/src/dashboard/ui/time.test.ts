import { describe, expect, it } from "vitest";
import { duration, exactTime, relativeTime } from "./time.js";

const now = new Date("2026-06-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("relativeTime", () => {
  it.each([
    [ago(2000), "just now"],
    [ago(42_000), "42 s ago"],
    [ago(5 * 60_000), "5 min ago"],
    [ago(3 * 3_600_000), "3 h ago"],
    [ago(86_400_000), "1 day ago"],
    [ago(9 * 86_400_000), "9 days ago"],
    [ago(-10 * 60_000), "in 10 min"],
  ])("%s is %s", (date, text) => {
    expect(relativeTime(date, now)).toBe(text);
  });

  it("the exact time is UTC to the second", () => {
    expect(exactTime(now)).toBe("2026-06-01 12:00:00 UTC");
  });

  it.each([
    [null, ""],
    [850, "850 ms"],
    [12_400, "12.4 s"],
    [185_000, "3 min 5 s"],
  ])("duration(%s) is %j", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
