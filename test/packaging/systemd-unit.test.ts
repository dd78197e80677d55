import { join } from "node:path";
import { runCommand } from "@bridgeport/test/harness";
import { describe, expect, it } from "vitest";
import { readRepoFile, repoRoot } from "./repo-files.js";

// systemd checks the unit offline: nothing here needs systemd running.
const unitPath = join(repoRoot, "deploy/bridgeport.service");
const settings = (await readRepoFile("deploy/bridgeport.service"))
  .split("\n")
  .filter((line) => /^[A-Za-z]+=/.test(line))
  .map((line) => line.trim());

describe("the systemd unit", () => {
  it("passes systemd-analyze verify without a warning", async () => {
    const { stdout, stderr } = await runCommand(["systemd-analyze", "verify", unitPath]);
    // Unknown or misspelt keys only warn, so silence is the test, not the exit code alone.
    expect(`${stdout}${stderr}`).toBe("");
  });

  it("is rated OK or better by systemd-analyze security", async () => {
    const { stdout } = await runCommand(["systemd-analyze", "security", "--offline=true", unitPath]);
    const exposure = Number(/Overall exposure level for bridgeport\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(exposure).toBeLessThan(2);
  });

  it.each([
    "User=bridgeport",
    "ExecStart=/usr/bin/node /opt/bridgeport/server.mjs",
    "StateDirectory=bridgeport",
    "Environment=BRIDGEPORT_DATA_DIR=/var/lib/bridgeport",
    "EnvironmentFile=/etc/bridgeport/bridgeport.env",
    "Restart=on-failure",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
  ])("sets %s", (setting) => {
    expect(settings).toContain(setting);
  });
});
