import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

// hono and its Node adapter parse every request before any secret or token is checked: the
// patch releases below carry fixes for that surface, and a lockfile must not fall back under them.
const installed = async (name: string) =>
  (
    JSON.parse(
      await readFile(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8"),
    ) as {
      version: string;
    }
  ).version;
const numbers = (version: string) => version.split(/[.-]/).slice(0, 3).map(Number);
const atLeast = (version: string, minimum: string) => {
  const [a, b] = [numbers(version), numbers(minimum)];
  const differs = a.findIndex((n, i) => n !== b[i]);
  return differs === -1 || (a[differs] ?? 0) > (b[differs] ?? 0);
};

describe("the HTTP dependencies", () => {
  it.each([
    ["hono", "4.13.23"],
    ["@hono/node-server", "2.1.11"],
  ])("%s is at least %s", async (name, minimum) => {
    const version = await installed(name);
    expect(atLeast(version, minimum), `${name} ${version}`).toBe(true);
  });
});
