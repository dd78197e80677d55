import { existsSync } from "node:fs";
import { utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "./run-command.js";
import { makeTempDir, removeTempDir, sweepAbandonedTempDirs } from "./temp-dir.js";

async function deadPid(): Promise<number> {
  const { stdout } = await runCommand(["/bin/sh", "-c", "echo $$"]);
  return Number(stdout.trim());
}

describe("temp dirs", () => {
  it("removeTempDir refuses paths it did not make", async () => {
    await expect(removeTempDir("/etc")).rejects.toThrow(/refusing/);
    await expect(removeTempDir(join(tmpdir(), "bridgeport-test-x", "..", ".."))).rejects.toThrow(/refusing/);
  });

  it("sweeps only old dirs whose owner is gone", async () => {
    const label = `sweep${process.pid}`;
    const old = new Date(Date.now() - 11 * 60_000);
    const abandoned = await makeTempDir(label, { markOwner: true });
    const youngAbandoned = await makeTempDir(label, { markOwner: true });
    const ownedByUs = await makeTempDir(label, { markOwner: true });
    const unmarked = await makeTempDir(label);
    try {
      const dead = String(await deadPid());
      await writeFile(join(abandoned, ".owner-pid"), dead);
      await writeFile(join(youngAbandoned, ".owner-pid"), dead);
      for (const dir of [abandoned, ownedByUs, unmarked]) await utimes(dir, old, old);

      expect(await sweepAbandonedTempDirs(label)).toBe(1);
      expect([abandoned, youngAbandoned, ownedByUs, unmarked].map((dir) => existsSync(dir))).toEqual([
        false,
        true,
        true,
        true,
      ]);
    } finally {
      for (const dir of [abandoned, youngAbandoned, ownedByUs, unmarked]) await removeTempDir(dir);
    }
  });
});
