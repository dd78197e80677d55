import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./ports.js";
import { startProcess, waitUntil } from "./process.js";
import { runCommand } from "./run-command.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

describe("startProcess and waitUntil", () => {
  it("a timeout names what was awaited and shows the child's last output", async () => {
    const child = startProcess({ name: "talker", argv: ["/bin/sh", "-c", "echo ready-ish; exec sleep 30"] });
    try {
      await waitUntil(() => child.output().includes("ready-ish"), { what: "first line", timeoutMs: 5_000 });
      await expect(
        waitUntil(() => false, { what: "the impossible", timeoutMs: 100, process: child }),
      ).rejects.toThrow(
        /timed out after 100 ms .*waiting for the impossible[\s\S]*--- last output of talker ---\nready-ish/,
      );
    } finally {
      await child.stop();
    }
  });

  it("fails at once when the child exits first", async () => {
    const child = startProcess({ name: "quitter", argv: ["/bin/sh", "-c", "echo bye >&2; exit 3"] });
    const started = performance.now();
    await expect(
      waitUntil(() => false, { what: "never", timeoutMs: 10_000, process: child }),
    ).rejects.toThrow(/never: quitter exited \(code 3\) first[\s\S]*bye/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("reports a check's last error and returns its truthy value", async () => {
    let calls = 0;
    const value = await waitUntil(
      () => {
        calls++;
        if (calls < 3) throw new Error(`not yet ${calls}`);
        return `done after ${calls}`;
      },
      { what: "third call", timeoutMs: 5_000, intervalMs: 1 },
    );
    expect(value).toBe("done after 3");
    await expect(
      waitUntil(
        () => {
          throw new Error("still broken");
        },
        { what: "broken", timeoutMs: 50, intervalMs: 10 },
      ),
    ).rejects.toThrow(/last error: still broken/);
  });

  it("stop() escalates to SIGKILL when SIGTERM is ignored", async () => {
    const child = startProcess({
      name: "stubborn",
      argv: ["/bin/sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 1; done"],
    });
    await waitUntil(() => child.output().includes("trapped"), { what: "trap set", timeoutMs: 5_000 });
    const started = performance.now();
    expect(await child.stop({ graceMs: 300 })).toEqual({ code: null, signal: "SIGKILL" });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("a missing program is an exit, not a crash", async () => {
    const child = startProcess({ name: "ghost", argv: ["/nonexistent/program"] });
    const status = await child.exited;
    expect(status.code === 127 || status.code === null).toBe(true);
    expect(child.output()).toMatch(/nonexistent\/program/);
  });

  it("children die with their parent, even when it is killed outright", async () => {
    const dir = await makeTempDir("orphan");
    try {
      const pidFile = join(dir, "grandchild.pid");
      const script = `
        import { startProcess } from ${JSON.stringify(join(import.meta.dirname, "process.ts"))};
        const child = startProcess({ name: "grandchild", argv: ["/bin/sh", "-c", "echo $$ > ${pidFile}; exec sleep 60"] });
        setInterval(() => {}, 1000);
      `;
      const parent = startProcess({
        name: "parent",
        argv: [process.execPath, "--import", "tsx", "--input-type=module", "-e", script],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
        cwd: import.meta.dirname,
      });
      const pid = await waitUntil(
        async () => existsSync(pidFile) && Number((await runCommand(["cat", pidFile])).stdout),
        {
          what: "grandchild pid",
          timeoutMs: 15_000,
          process: parent,
        },
      );
      process.kill(parent.pid ?? 0, "SIGKILL");
      await waitUntil(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        { what: `grandchild ${pid} to die with its parent`, timeoutMs: 5_000 },
      );
    } finally {
      await removeTempDir(dir);
    }
  });
});

describe("freePort", () => {
  it("gives distinct bindable ports", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(ports.every((port) => port > 1024 && port < 65_536)).toBe(true);
  });
});
