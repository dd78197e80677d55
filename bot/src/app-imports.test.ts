import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// app.ts imports every route, and every route imports the http helpers: a helper (or anything
// else) importing app.ts ties most of bot/src into one import circle. Only the entry imports it.
const src = fileURLToPath(new URL(".", import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sources(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat().filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
}

describe("app.ts", () => {
  it("is imported by the start-up only", async () => {
    const importers: string[] = [];
    for (const file of await sources(src)) {
      const text = await readFile(file, "utf8");
      if (/from "(\.\.?\/)+app\.js"/.test(text)) importers.push(relative(src, file));
    }
    expect(importers).toEqual(["start.ts"]);
  });
});
