import { type ComposeTarget, composeUp, dockerLogin, inspectContainer, pullImage } from "@bridgeport/core";
import { freePort, type RunnableImage, runnableImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestReference, type RemoteLab, startRemoteLab } from "./remote-lab.js";

let lab: RemoteLab;
let port: number;
let v1: RunnableImage;
let v2: RunnableImage;
let target: ComposeTarget;
let composeFile: string;

beforeAll(async () => {
  lab = await startRemoteLab("127.0.0.7");
  port = await freePort();
  v1 = await runnableImage(lab.registry, "remote-compose/web", "v1", { version: "v1", port });
  v2 = await runnableImage(lab.registry, "remote-compose/web", "v2", { version: "v2", port });
  const login = {
    server: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
  };
  await dockerLogin(lab.ssh, login);
  const dir = `/tmp/bridgeport-compose-${process.pid}`;
  composeFile = [
    'version: "3.8"',
    "services:",
    "  web:",
    `    image: ${lab.registry.host}/remote-compose/web:v1`,
    "    network_mode: host",
    "    environment:",
    "      FOO: bar",
    "    labels:",
    "      team: core",
    "",
  ].join("\n");
  const write = await lab.ssh.exec(["sh", "-c", 'mkdir -p "$1" && cat >"$1/docker-compose.yml"', "sh", dir], {
    stdin: composeFile,
    timeoutMs: 10_000,
  });
  expect(write.code, write.stderr).toBe(0);
  target = { file: `${dir}/docker-compose.yml`, service: "web" };
  // The project as its owner started it, from the tag.
  const up = await lab.ssh.exec(["docker-compose", "-f", target.file, "up", "-d"], { timeoutMs: 120_000 });
  expect(up.code, up.stderr).toBe(0);
  await servesVersion("v1");
});

afterAll(async () => {
  if (target !== undefined) {
    await lab?.ssh
      .exec(["docker-compose", "-f", target.file, "down"], { timeoutMs: 60_000 })
      .catch(() => undefined);
    await lab?.ssh.exec(["rm", "-rf", "--", target.file.replace(/\/docker-compose\.yml$/, "")], {
      timeoutMs: 10_000,
    });
  }
  await lab?.stop();
});

describe("composeUp", () => {
  it("recreates the service on the digest, keeps its settings and leaves the project's file alone", async () => {
    const ref = digestReference(lab.registry, v2.repo, v2.digest);
    await pullImage(lab.sshHost, ref, null);
    const before = await tempFiles();
    const [id, ...others] = await composeUp(lab.ssh, target, ref);
    expect(others).toEqual([]);
    await servesVersion("v2");
    const container = await inspectContainer(lab.sshHost.engine, id ?? "");
    expect(container?.Config.Image).toBe(ref);
    expect(container?.Config.Env).toContain("FOO=bar");
    expect(container?.Config.Labels).toMatchObject({ team: "core", "com.docker.compose.service": "web" });
    expect((await lab.ssh.exec(["cat", target.file], { timeoutMs: 10_000 })).stdout).toBe(composeFile);
    expect(await tempFiles()).toEqual(before);
  });

  it("rolls back by deploying the previous digest the same way", async () => {
    const ref = digestReference(lab.registry, v1.repo, v1.digest);
    await pullImage(lab.sshHost, ref, null);
    const [id] = await composeUp(lab.ssh, target, ref);
    await servesVersion("v1");
    expect((await inspectContainer(lab.sshHost.engine, id ?? ""))?.Config.Image).toBe(ref);
  });

  it("refuses a service the project does not have instead of starting it as a new one", async () => {
    const ref = digestReference(lab.registry, v1.repo, v1.digest);
    await expect(composeUp(lab.ssh, { ...target, service: "nope" }, ref)).rejects.toThrow(
      /has no service "nope"/,
    );
    const listed = await lab.ssh.exec(["docker", "ps", "-a", "--format", "{{.Names}}"], {
      timeoutMs: 10_000,
    });
    expect(listed.stdout).not.toMatch(/nope/);
  });

  it("reports a missing compose file with docker-compose's reason", async () => {
    const ref = digestReference(lab.registry, v1.repo, v1.digest);
    await expect(
      composeUp(lab.ssh, { ...target, file: "/nonexistent/docker-compose.yml" }, ref),
    ).rejects.toThrow(/docker-compose config exited with code 1: .*(not found|No such file)/is);
  });
});

async function tempFiles(): Promise<string[]> {
  const result = await lab.ssh.exec(
    ["find", "/tmp", "-maxdepth", "1", "-user", lab.sshd.username, "-name", "tmp.*"],
    {
      timeoutMs: 10_000,
    },
  );
  return result.stdout.split("\n").filter(Boolean).sort();
}

async function servesVersion(version: string): Promise<void> {
  await waitUntil(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => "",
      )) === `${version}\n`,
    { what: `port ${port} to serve ${version}`, timeoutMs: 30_000 },
  );
}
