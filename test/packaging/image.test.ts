import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, makeTempDir, removeTempDir, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { substituteOnce } from "../bot/readme-walkthrough-blocks.js";
import { IMAGE, type ImageLab, startImageLab } from "./image-lab.js";
import { runWalkthroughSteps } from "./readme-walkthrough-steps.js";
import { readmeBlock, readRepoFile, repoRoot } from "./repo-files.js";
import { loadStandInImages, STAND_INS } from "./stand-in-images.js";

// The Dockerfile built on a private engine (one build for the whole file: it is most of its
// time), then run the ways README runs it. The engine has no default bridge: each bot
// container uses the host's network and a PORT of its own.
let lab: ImageLab;
let dir: string;
const walkthroughPorts = { bot: 0, registry: 0, app: 0 };

beforeAll(async () => {
  dir = await makeTempDir("image");
  for (const name of ["bot", "registry", "app"] as const) walkthroughPorts[name] = await freePort();
  lab = await startImageLab({ insecureRegistries: [`127.0.0.1:${walkthroughPorts.registry}`] });
}, 15 * 60_000);
afterAll(async () => {
  await lab?.stop();
  if (dir) await removeTempDir(dir);
});

/** Starts a bot container on the host's network at `port`, its state in `volume`. */
async function runBot(name: string, port: number, volume: string, options: string[] = []): Promise<string> {
  await lab.docker([
    "run",
    "-d",
    "--name",
    name,
    "--network",
    "host",
    "-e",
    `PORT=${port}`,
    "-v",
    `${volume}:/data`,
    ...options,
    IMAGE,
  ]);
  return `http://127.0.0.1:${port}`;
}

async function api(url: string, token: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function waitReady(url: string): Promise<void> {
  await waitUntil(async () => (await fetch(`${url}/readyz`)).status === 200, {
    what: `${url}/readyz`,
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

describe("the image", () => {
  it("is under 250 MB and holds no dev dependency and no secret", async () => {
    const image = await lab.inspect(IMAGE, "image");
    expect(image.Size).toBeLessThan(250_000_000);
    // README "Run it" states the size; it stays within 10 MB of the truth.
    const stated = Number(
      /Node 20 on Debian bookworm slim, (\d+) MB/.exec(await readRepoFile("README.md"))?.[1],
    );
    expect(Math.abs((image.Size ?? 0) / 1e6 - stated)).toBeLessThan(10);
    expect(image.Config.User).toBe("bridgeport");
    const secretNames = (image.Config.Env ?? []).filter((entry) => /KEY|TOKEN|SECRET|PASSWORD/.test(entry));
    expect(secretNames).toEqual([]);

    // Every step of the image's history: the build stage (pnpm, the dev dependencies) is not in it.
    const { stdout: history } = await lab.docker([
      "history",
      "--no-trunc",
      "--format",
      "{{.CreatedBy}}",
      IMAGE,
    ]);
    expect(history).not.toMatch(/pnpm|vitest|esbuild|tsx|typescript|biome/);
    expect(history).not.toMatch(/(KEY|TOKEN|SECRET|PASSWORD)=/);

    // And the filesystem: no dev dependency anywhere, nothing in node_modules but libsql.
    const find = (...args: string[]) =>
      lab.docker([
        "run",
        "--rm",
        "--network",
        "none",
        "--user",
        "root",
        "--entrypoint",
        "find",
        IMAGE,
        ...args,
      ]);
    const devDependencies = ["vitest", "esbuild", "tsx", "typescript", "@biomejs", "pnpm", ".pnpm"];
    const installed = devDependencies.flatMap((name, i) => [
      ...(i ? ["-o"] : []),
      "-path",
      `*/node_modules/${name}`,
    ]);
    expect((await find("/", "-xdev", "-type", "d", "(", ...installed, ")")).stdout).toBe("");
    const { stdout: modules } = await find("/app/node_modules", "-maxdepth", "3", "-name", "package.json");
    expect(modules.trim().split("\n").sort()).toEqual(
      ["@libsql/linux-x64-gnu", "@neon-rs/load", "detect-libc", "libsql"].map(
        (name) => `/app/node_modules/${name}/package.json`,
      ),
    );
    // Nothing a bot writes is baked in: no key, token, database or env file.
    const state = await find(
      "/",
      "-xdev",
      "(",
      "-name",
      "master.key",
      "-o",
      "-name",
      "bootstrap-token",
      "-o",
      "-name",
      "*.db",
      "-o",
      "-name",
      ".env",
      ")",
    );
    expect(state.stdout).toBe("");
  });

  it("runs as non-root, answers /healthz and becomes healthy by its own HEALTHCHECK", async () => {
    const url = await runBot("health", await freePort(), "health-data");
    const image = await lab.inspect(IMAGE, "image");
    expect(image.Config.Healthcheck?.Test.join(" ")).toContain("/healthz");
    await lab.waitHealthy("health");
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    const { stdout: status } = await lab.docker(["exec", "health", "cat", "/proc/1/status"]);
    expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe("10001");
    const { stdout: command } = await lab.docker(["exec", "health", "cat", "/proc/1/cmdline"]);
    expect(command.split("\0")[0]).toBe("node");
  });

  it("keeps its database, tokens and master key across docker rm, on the same volume", async () => {
    const { basic } = inject("registries");
    const port = await freePort();
    let url = await runBot("keep-1", port, "keep-data");
    const bootstrap = await lab.bootstrapToken("keep-1");
    await waitReady(url);
    const created = await api(url, bootstrap, "/api/tokens", { name: "ci", role: "read" });
    const { value: readToken } = (await created.json()) as { value: string };
    const envRes = await api(url, bootstrap, "/api/environments", { name: "kept" });
    const { environment } = (await envRes.json()) as { environment: { id: string } };
    // A password the master key encrypts: the registry test only passes if it still decrypts.
    const registryRes = await api(url, bootstrap, `/api/environments/${environment.id}/registries`, {
      name: "kept",
      type: "generic",
      registryUrl: basic.url,
      username: basic.username,
      password: basic.password,
    });
    expect(registryRes.ok).toBe(true);
    const { registry } = (await registryRes.json()) as { registry: { id: string } };

    await lab.docker(["rm", "-f", "keep-1"]);
    url = await runBot("keep-2", port, "keep-data");
    await waitReady(url);
    const environments = await (await api(url, readToken, "/api/environments")).json();
    expect(environments).toMatchObject({ environments: [{ name: "kept" }] });
    const test = await api(url, bootstrap, `/api/registries/${registry.id}/test`, {});
    expect(await test.json()).toEqual({ ok: true });
  });

  it("stops within 10 s on docker stop, and starts again after a kill left its lock behind", async () => {
    const port = await freePort();
    const url = await runBot("stopping", port, "stopping-data");
    await waitReady(url);
    const started = performance.now();
    await lab.docker(["stop", "--time", "10", "stopping"], { timeoutMs: 30_000 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await lab.inspect("stopping")).State?.ExitCode).toBe(0);
    const { stdout: logs } = await lab.docker(["logs", "stopping"]);
    expect(logs).toContain('"signal":"SIGTERM","msg":"shutting down"');

    // A kill leaves the database lock naming PID 1, which the next start is again: it takes it.
    await lab.docker(["start", "stopping"]);
    await waitReady(url);
    await lab.docker(["kill", "stopping"]);
    const lock = await lab.docker([
      "run",
      "--rm",
      "-v",
      "stopping-data:/data",
      "--entrypoint",
      "cat",
      IMAGE,
      "/data/bridgeport.db.lock",
    ]);
    expect(lock.stdout.trim()).toBe("1");
    await lab.docker(["start", "stopping"]);
    await waitReady(url);
  });

  it("runs as README 'Run it' shows: docker build, docker run, then the token", {
    timeout: 180_000,
  }, async () => {
    const readme = await readRepoFile("README.md");
    const port = await freePort();
    // Substituted: the engine's lack of a bridge (host network, a port of its own) and the
    // registry-reaching build; the rest runs as written.
    let run = readmeBlock(readme, "run-it: docker");
    run = substituteOnce(
      run,
      "docker build -t bridgeport .",
      `docker build --network host -t bridgeport ${repoRoot}`,
    );
    run = substituteOnce(run, "-p 127.0.0.1:3000:3000", `--network host -e PORT=${port}`);
    await lab.shell(dir, "docker", run);
    await lab.waitHealthy("bridgeport");
    const token = (await lab.shell(dir, "token", readmeBlock(readme, "run-it: docker-token"))).trim();
    expect(token).toMatch(/^bp_[A-Za-z0-9_-]+$/);
    const res = await api(`http://127.0.0.1:${port}`, token, "/api/environments");
    expect(res.status).toBe(200);
    await expect(lab.docker(["exec", "bridgeport", "ls", "/data/bootstrap-token"])).rejects.toThrow();
  });

  it("starts healthy with docker-compose up from deploy/compose.yaml and an .env", {
    timeout: 120_000,
  }, async () => {
    const project = join(dir, "compose");
    const port = await freePort();
    await mkdir(project);
    await writeFile(join(project, ".env"), await readRepoFile("deploy/.env.example"), { mode: 0o600 });
    // Debian's docker-compose 1.29, publishing the bot on a port of its own.
    const compose = (command: string) =>
      lab.shell(
        dir,
        "compose",
        `BRIDGEPORT_PUBLISH=127.0.0.1:${port} docker-compose -f "${repoRoot}deploy/compose.yaml" --project-directory "${project}" -p bpcompose ${command}`,
      );
    try {
      await compose("up -d");
      await lab.waitHealthy("bpcompose_bridgeport_1");
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: "ok" });
      const container = await lab.inspect("bpcompose_bridgeport_1");
      expect(container).toMatchObject({ HostConfig: { ReadonlyRootfs: true } });
    } finally {
      await compose("down --volumes");
    }
  });

  it("runs PostgreSQL and two replicas behind the balancer as README shows, both serving one database", {
    timeout: 300_000,
  }, async () => {
    await loadStandInImages(lab);
    // The clone as README's block sees it: the two files it names, in a deploy/ of its own.
    const project = join(dir, "replicas");
    await mkdir(join(project, "deploy"), { recursive: true });
    for (const file of ["compose.replicas.yaml", "haproxy-replicas.cfg"])
      await copyFile(join(repoRoot, "deploy", file), join(project, "deploy", file));
    const port = await freePort();
    // Substituted: the image is built already, Debian's docker-compose 1.29 for the plugin, and
    // the stand-ins for the Docker Hub images (set in the shell, which Compose prefers to the file).
    let block = readmeBlock(await readRepoFile("README.md"), "run-it: compose-replicas");
    block = substituteOnce(block, "docker build -t bridgeport:latest .\n", "");
    block = substituteOnce(block, "docker compose --env-file", "docker-compose --env-file");
    const shellEnv = [
      `export COMPOSE_PROJECT_NAME=bpreplicas BRIDGEPORT_PORT=127.0.0.1:${port}`,
      `export POSTGRES_IMAGE=${STAND_INS.postgres} BALANCER_IMAGE=${STAND_INS.haproxy}`,
    ].join("\n");
    const compose = (command: string) =>
      lab.shell(
        project,
        "replicas-compose",
        `${shellEnv}\ndocker-compose --env-file deploy/replicas.env -f deploy/compose.replicas.yaml ${command}`,
      );
    try {
      await lab.shell(project, "replicas", `${shellEnv}\n${block}`, 240_000);
      const secrets = new Map(
        (await readFile(join(project, "deploy", "replicas.env"), "utf8"))
          .trim()
          .split("\n")
          .map((line) => line.split("=") as [string, string]),
      );
      const token = secrets.get("BRIDGEPORT_ADMIN_TOKEN") ?? "";
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      const replicas = ["bpreplicas_bot-1_1", "bpreplicas_bot-2_1"];
      for (const replica of replicas) await lab.waitHealthy(replica, 120_000);
      const balancer = `http://127.0.0.1:${port}`;
      await waitReady(balancer);
      const created = await api(balancer, token, "/api/environments", { name: "replicated" });
      expect(created.status).toBe(201);
      // Each replica, asked on its own (inside its container), reads what went through the balancer.
      for (const replica of replicas) {
        const { stdout } = await lab.docker([
          "exec",
          replica,
          "node",
          "-e",
          "fetch('http://127.0.0.1:3000/api/environments', { headers: { authorization: 'Bearer ' + process.env.BRIDGEPORT_ADMIN_TOKEN } }).then((r) => r.text()).then(console.log)",
        ]);
        expect(
          (JSON.parse(stdout) as { environments: { name: string }[] }).environments.map((e) => e.name),
        ).toEqual(["replicated"]);
      }
      // The database is PostgreSQL's: the embedded file is in neither replica's /data.
      for (const replica of replicas) {
        const { stdout } = await lab.docker(["exec", replica, "ls", "/data"]);
        expect(stdout).not.toContain("bridgeport.db");
      }
    } finally {
      await compose("down --volumes").catch(() => undefined);
    }
  });

  it("runs README's walkthrough, deploying through the engine's socket mounted in", {
    timeout: 150_000,
  }, async () => {
    // Step 1 in a container: the webhook secret and the admin token where steps 2 and 3 read
    // them, and in the bot's env.
    const secret = randomBytes(24).toString("hex");
    const adminToken = randomBytes(24).toString("hex");
    await mkdir(join(dir, ".data"));
    await writeFile(join(dir, ".data", "webhook-secret"), `${secret}\n`, { mode: 0o600 });
    await writeFile(join(dir, ".data", "admin-token"), `${adminToken}\n`, { mode: 0o600 });
    await writeFile(
      join(dir, "bot.env"),
      `WEBHOOK_DISTRIBUTION_SECRET=${secret}\nBRIDGEPORT_ADMIN_TOKEN=${adminToken}\n`,
      { mode: 0o600 },
    );
    const socket = lab.dockerd.socketPath;
    const socketAccess = ["-v", `${socket}:${socket}`, "--group-add", String(await lab.socketGroup())];
    const env = ["--env-file", join(dir, "bot.env")];
    const url = await runBot("walkthrough", walkthroughPorts.bot, "walkthrough-data", [
      ...env,
      ...socketAccess,
    ]);
    await waitReady(url);

    const walkthrough = await runWalkthroughSteps(lab, dir, walkthroughPorts);
    try {
      expect(walkthrough.lines).toContain('{"environments":[]}');
      expect(walkthrough.lines).toContain('{"ok":true}');
      expect(walkthrough.lines).toContain("v1.0.0");
      expect(walkthrough.lines).toContain("v1.1.0");
      expect(walkthrough.lines.slice(-3)).toEqual([
        '{"tag":"v1.2.0","status":"success","deployedBy":"webhook:distribution"}',
        '{"tag":"v1.1.0","status":"success","deployedBy":"admin"}',
        "v1.2.0",
      ]);
      // The engine's own view: the bot in its container replaced `web` with the pushed v1.2.0.
      const pushed = await lab.inspect(`127.0.0.1:${walkthroughPorts.registry}/demo/web:v1.2.0`, "image");
      expect((await lab.inspect("web")).Image).toBe(pushed.Id);
    } finally {
      await walkthrough.cleanUp();
    }
  });
});
