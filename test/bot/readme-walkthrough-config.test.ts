import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../bot/src/config.js";

// The README's Configuration table is what a newcomer sets the bot up from: every variable the
// bot reads is in it, nothing else is, and each default it shows is the one the bot applies.
const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(
  readme.indexOf("## Configuration"),
  readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
);
const rows = section
  .split("\n")
  .filter((line) => line.startsWith("| `"))
  .map((line) => line.split("|").map((cell) => cell.trim()));
const documented = new Map(
  rows.flatMap(([, names = "", defaultCell = ""]) =>
    [...names.matchAll(/`([A-Z0-9_]+)`/g)].map(([, name = ""]) => [name, defaultCell] as const),
  ),
);
const variables = Object.keys(configSchema.shape);
const withDefaults = variables.flatMap((name) => {
  const fallback = configSchema.shape[name as keyof typeof configSchema.shape].safeParse(undefined);
  return fallback.success && fallback.data !== undefined ? [[name, String(fallback.data)] as const] : [];
});

describe("the README's configuration table", () => {
  it("lists exactly the variables the bot reads", () => {
    expect([...documented.keys()].sort()).toEqual([...variables].sort());
  });

  it.each(withDefaults)("shows %s's default, %s", (name, fallback) => {
    expect(documented.get(name)).toBe(`\`${fallback}\``);
  });
});
