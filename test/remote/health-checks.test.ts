import {
  commandNetworkProbe,
  type DockerHost,
  type HealthCheckInput,
  healthCheckSchema,
  pullImage,
  runHealthCheck,
} from "@bridgeport/core";
import { freePort, runnableImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestReference, type RemoteLab, startRemoteLab } from "./remote-lab.js";

let lab: RemoteLab;
let healthyPort: number;
let closedPort: number;

beforeAll(async () => {
  lab = await startRemoteLab("127.0.0.5");
  healthyPort = await freePort();
  const sickPort = await freePort();
  const plainPort = await freePort();
  closedPort = await freePort();
  const login = {
    server: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
  };
  const images = {
    "healthy-web": await runnableImage(lab.registry, "remote-health/healthy", "v1", {
      version: "healthy",
      port: healthyPort,
      healthcheck: { intervalMs: 300, retries: 3 },
    }),
    "sick-web": await runnableImage(lab.registry, "remote-health/sick", "v1", {
      version: "sick",
      port: sickPort,
      healthcheck: { test: ["CMD-SHELL", "exit 1"], intervalMs: 300, timeoutMs: 1_000, retries: 3 },
    }),
    "plain-web": await runnableImage(lab.registry, "remote-health/plain", "v1", {
      version: "plain",
      port: plainPort,
    }),
  };
  for (const [name, image] of Object.entries(images)) {
    const ref = digestReference(lab.registry, image.repo, image.digest);
    await pullImage(lab.socketHost, ref, login);
    const run = await lab.ssh.exec(["docker", "run", "-d", "--name", name, "--network", "host", ref], {
      timeoutMs: 30_000,
    });
    expect(run.code, run.stderr).toBe(0);
  }
  await waitUntil(
    () =>
      fetch(`http://127.0.0.1:${healthyPort}/`).then(
        (r) => r.ok,
        () => false,
      ),
    {
      what: "the healthy web server",
      timeoutMs: 15_000,
    },
  );
});

afterAll(async () => {
  await lab?.stop();
});

const hosts: { mode: string; host: () => DockerHost }[] = [
  { mode: "ssh", host: () => lab.sshHost },
  { mode: "socket", host: () => lab.socketHost },
];

interface Case {
  what: string;
  check: () => HealthCheckInput;
  container?: string;
  healthy: boolean;
  attempts?: number;
  detail: RegExp;
}

const quick = { intervalMs: 100, timeoutMs: 1_000 };
const cases: Case[] = [
  {
    what: "an HTTP URL that answers 200",
    check: () => ({ kind: "http", url: `http://127.0.0.1:${healthyPort}/`, retries: 3, ...quick }),
    healthy: true,
    attempts: 1,
    detail: /HTTP 200/,
  },
  {
    what: "an HTTP URL that answers 404",
    check: () => ({ kind: "http", url: `http://127.0.0.1:${healthyPort}/missing`, retries: 3, ...quick }),
    healthy: false,
    attempts: 3,
    detail: /HTTP 404/,
  },
  {
    what: "an open TCP port",
    check: () => ({ kind: "tcp", port: healthyPort, retries: 3, ...quick }),
    healthy: true,
    attempts: 1,
    detail: /accepts connections/,
  },
  {
    what: "a closed TCP port",
    check: () => ({ kind: "tcp", host: "127.0.0.1", port: closedPort, retries: 3, ...quick }),
    healthy: false,
    attempts: 3,
    detail: /refused/i,
  },
  {
    what: "a container whose HEALTHCHECK passes",
    check: () => ({ kind: "docker", retries: 40, intervalMs: 250 }),
    container: "healthy-web",
    healthy: true,
    detail: /is healthy/,
  },
  {
    what: "a container whose HEALTHCHECK fails (unhealthy within its own retries)",
    check: () => ({ kind: "docker", retries: 40, intervalMs: 250 }),
    container: "sick-web",
    healthy: false,
    detail: /is unhealthy after \d+ failed probes/,
  },
  {
    what: "a container without a HEALTHCHECK",
    check: () => ({ kind: "docker", retries: 5, intervalMs: 100 }),
    container: "plain-web",
    healthy: false,
    attempts: 1,
    detail: /has no HEALTHCHECK/,
  },
];

describe.each(hosts)("runHealthCheck from the server's view ($mode mode)", ({ host }) => {
  it.each(cases)("$what: healthy $healthy", async ({ check, container, healthy, attempts, detail }) => {
    const target = { engine: host().engine, probe: host().probe, container: container ?? "healthy-web" };
    const verdict = await runHealthCheck(healthCheckSchema.parse(check()), target);
    expect(verdict).toMatchObject({ healthy, detail: expect.stringMatching(detail) });
    if (attempts !== undefined) expect(verdict.attempts).toBe(attempts);
    if (!healthy && attempts === undefined) expect(verdict.attempts).toBeLessThan(40);
    expect(verdict.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("the command probes (servers that refuse SSH TCP forwarding)", () => {
  it.each([
    {
      what: "HTTP 200",
      run: () => commandNetworkProbe(lab.ssh).http(`http://127.0.0.1:${healthyPort}/`, 2_000),
      ok: true,
    },
    {
      what: "HTTP 404",
      run: () => commandNetworkProbe(lab.ssh).http(`http://127.0.0.1:${healthyPort}/nope`, 2_000),
      ok: false,
    },
    {
      what: "open TCP",
      run: () => commandNetworkProbe(lab.ssh).tcp("127.0.0.1", healthyPort, 2_000),
      ok: true,
    },
    {
      what: "closed TCP",
      run: () => commandNetworkProbe(lab.ssh).tcp("127.0.0.1", closedPort, 2_000),
      ok: false,
    },
  ])("$what: ok $ok", async ({ run, ok }) => {
    expect((await run()).ok).toBe(ok);
  });
});

it("spends the retries and intervals it was given on a failing check", async () => {
  const check = healthCheckSchema.parse({
    kind: "tcp",
    port: closedPort,
    retries: 4,
    intervalMs: 200,
    timeoutMs: 500,
  });
  const verdict = await runHealthCheck(check, {
    engine: lab.sshHost.engine,
    probe: lab.sshHost.probe,
    container: "x",
  });
  expect(verdict.attempts).toBe(4);
  expect(verdict.durationMs).toBeGreaterThanOrEqual(3 * 200);
});
