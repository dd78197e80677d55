import { describe, expect, it } from "vitest";
import { humanSize } from "./image-prune.js";

describe("humanSize", () => {
  it.each([
    [0, "0B"],
    [999, "999B"],
    [1000, "1kB"],
    [1_234_567, "1.235MB"],
    [52_428_800, "52.43MB"],
    [1_000_000_000, "1GB"],
    [3.5e15, "3.5PB"],
    [5e18, "5000PB"],
  ])("%d bytes is %s", (bytes, human) => {
    expect(humanSize(bytes)).toBe(human);
  });
});
