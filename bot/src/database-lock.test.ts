import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDatabase } from "./database-lock.js";

let dir: string;
let database: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bp-lock-"));
  database = join(dir, "bridgeport.db");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PID no process has any more: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

describe("lockDatabase", () => {
  it("writes this process's PID next to the database (0600) and removes it on release", async () => {
    const lock = await lockDatabase(database);
    expect(lock.ok).toBe(true);
    expect(await readFile(`${database}.lock`, "utf8")).toBe(`${process.pid}\n`);
    expect((await stat(`${database}.lock`)).mode & 0o777).toBe(0o600);
    if (lock.ok) await lock.release();
    await expect(stat(`${database}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it("refuses while it is held, in this process or another live one, naming the holder", async () => {
    const first = await lockDatabase(database);
    expect(await lockDatabase(database)).toEqual({
      ok: false,
      holder: process.pid,
      path: `${database}.lock`,
    });
    if (first.ok) await first.release();

    // PID 1 is always alive (and, for this test, someone else's).
    await writeFile(`${database}.lock`, "1\n");
    expect(await lockDatabase(database)).toEqual({ ok: false, holder: 1, path: `${database}.lock` });
  });

  it.each([
    ["a dead process", () => `${deadPid()}\n`],
    [
      "this PID, from an earlier run that never released it (a restarted container)",
      () => `${process.pid}\n`,
    ],
    ["nothing readable", () => ""],
  ])("takes over a stale lock: %s", async (_, content) => {
    await writeFile(`${database}.lock`, content());
    const lock = await lockDatabase(database);
    expect(lock.ok).toBe(true);
    expect(await readFile(`${database}.lock`, "utf8")).toBe(`${process.pid}\n`);
    if (lock.ok) await lock.release();
  });

  it("a release leaves a lock that is no longer its own alone", async () => {
    const lock = await lockDatabase(database);
    await writeFile(`${database}.lock`, "1\n");
    if (lock.ok) await lock.release();
    expect(await readFile(`${database}.lock`, "utf8")).toBe("1\n");
  });
});
