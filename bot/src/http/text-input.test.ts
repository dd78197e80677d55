import { describe, expect, it } from "vitest";
import { isPlainText, nameText } from "./text-input.js";

describe("isPlainText", () => {
  it.each([
    ["staging", true],
    ["Café web 🚀", true],
    ["a b", true],
    ["a\u0000b", false],
    ["a\nb", false],
    ["a\tb", false],
    ["a\u007fb", false],
    ["a\u0085b", false],
    ["a\u2028b", false],
    ["a\ud800b", false],
    ["a\udc00", false],
  ])("%j -> %s", (text, plain) => {
    expect(isPlainText(text)).toBe(plain);
  });
});

describe("nameText", () => {
  it("trims a name, and refuses a control character at its end instead of cutting it off", () => {
    expect(nameText().parse("  web ")).toBe("web");
    expect(nameText().safeParse("web\n").success).toBe(false);
    expect(nameText().safeParse("   ").success).toBe(false);
    expect(nameText(3).safeParse("webs").success).toBe(false);
  });
});
