import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  freePort,
  type ManagedProcess,
  makeTempDir,
  removeTempDir,
  runCommand,
  startProcess,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./repo-files.js";

// `pnpm build:release DIR` makes what the image and the systemd unit run: a directory that
// starts with `node` alone, far from the clone and its node_modules.
let dir: string;
let release: string;
let bot: ManagedProcess | undefined;

beforeAll(async () => {
  dir = await makeTempDir("release");
  release = join(dir, "release");
  await runCommand(["pnpm", "build:release", release], { cwd: repoRoot, timeoutMs: 120_000 });
});
afterAll(async () => {
  await bot?.stop();
  if (dir) await removeTempDir(dir);
});

describe("the release directory", () => {
  it("holds the bundles, the migrations and libsql's native code, and nothing else", async () => {
    expect((await readdir(release)).sort()).toEqual([
      "assets",
      "drizzle",
      "drizzle-pg",
      "node_modules",
      "rotate-master-key.mjs",
      "server.mjs",
      "wal-checkpointer.worker.mjs",
    ]);
    const scopes = await readdir(join(release, "node_modules"));
    const packages = (
      await Promise.all(
        scopes.map(async (name) =>
          name.startsWith("@")
            ? (await readdir(join(release, "node_modules", name))).map((inner) => `${name}/${inner}`)
            : [name],
        ),
      )
    ).flat();
    expect(packages.sort()).toEqual([
      `@libsql/linux-${process.arch}-gnu`,
      "@neon-rs/load",
      "detect-libc",
      "libsql",
    ]);
    // The patched libsql client (patches/) is what got bundled.
    expect(await readFile(join(release, "server.mjs"), "utf8")).toContain("STATEMENT_CACHE_CAPACITY");
  });

  it("replaces an earlier release, but refuses a directory that holds anything else", async () => {
    await runCommand(["pnpm", "build:release", release], { cwd: repoRoot, timeoutMs: 120_000 });
    await expect(runCommand(["pnpm", "build:release", dir], { cwd: repoRoot })).rejects.toThrow(
      "is neither empty nor a Bridgeport release",
    );
    expect(await readdir(dir)).toContain("release");
  });

  it("runs with node alone: migrates, serves, hands over its token, stops on SIGTERM", async () => {
    // Both commands default to .data in their working directory, as from a clone.
    const dataDir = join(dir, ".data");
    const port = await freePort();
    const start = () =>
      startProcess({
        name: "release bot",
        argv: [process.execPath, join(release, "server.mjs")],
        cwd: dir,
        env: { PATH: "/usr/bin:/bin", PORT: String(port) },
      });
    bot = start();
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${url}/readyz`)).status === 200, {
      what: "the release bot to be ready",
      timeoutMs: 30_000,
      process: bot,
    });
    const token = (await readFile(join(dataDir, "bootstrap-token"), "utf8")).trim();
    const res = await fetch(`${url}/api/environments`, { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ environments: [] });
    // The dashboard's sign-in page links its script, which the release serves from assets/.
    const page = await (await fetch(`${url}/`, { redirect: "follow" })).text();
    const script = page.match(/src="(\/assets\/dashboard\.[0-9a-f]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${url}${script}`)).status).toBe(200);
    expect(await bot.stop()).toEqual({ code: 0, signal: null });
    // The checkpoint thread was found beside the bundle: a missing one logs this at start-up.
    expect(bot.output()).not.toContain("checkpoint failed");

    // The key rotation command runs from the release too, and the bot starts on the new key.
    const rotated = await runCommand([process.execPath, join(release, "rotate-master-key.mjs")], {
      cwd: dir,
    });
    expect(rotated.stdout).toContain("Re-encrypted");
    bot = start();
    await waitUntil(async () => (await fetch(`${url}/readyz`)).status === 200, {
      what: "the release bot to be ready on the rotated key",
      timeoutMs: 30_000,
      process: bot,
    });
  });
});
