import { describe, expect, it } from "vitest";
import { compileGlob, matchesGlob } from "./glob.js";

/** The SPEC 3.1 definition, written as a regex: fine as a reference on short inputs. */
function referenceMatch(pattern: string, tag: string): boolean {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.]/g, "\\."))
    .join("[A-Za-z0-9_.]+");
  return new RegExp(`^${body}$`).test(tag);
}

/** Small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function word(next: () => number, alphabet: string, maxLength: number): string {
  const length = 1 + Math.floor(next() * maxLength);
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
}

describe("matchesGlob", () => {
  it("agrees with the regex reading of SPEC 3.1 on 20000 generated pairs", () => {
    const next = random(20260225);
    const disagreements: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const pattern = word(next, "a1.-_**", 6).replace(/\*{2,}/g, "*");
      const tag = word(next, "a1.-_", 8);
      if (matchesGlob(compileGlob(pattern), tag) !== referenceMatch(pattern, tag)) {
        disagreements.push(`${pattern} ${tag}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it.each([
    ["v*", "v1/2", false],
    ["v*", "v1:2", false],
    ["v*", "v1 2", false],
    ["v*", "vé", false],
  ])("pattern %j never matches %j: characters outside the tag grammar", (pattern, tag, matches) => {
    expect(matchesGlob(compileGlob(pattern), tag)).toBe(matches);
  });
});
