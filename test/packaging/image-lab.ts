import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandResult, runCommand, startProcess, waitUntil } from "@bridgeport/test/harness";
import { z } from "zod";
import { importBaseImage } from "../harness/base-image.js";
import { type Dockerd, type DockerdOptions, startDockerd } from "../harness/dockerd.js";
import { readRepoFile, repoRoot } from "./repo-files.js";

/** The tag the README's `docker build -t bridgeport .` gives, which deploy/compose.yaml runs. */
export const IMAGE = "bridgeport:latest";

/** A private engine holding the image built from this checkout's Dockerfile. */
export interface ImageLab {
  dockerd: Dockerd;
  /** The docker CLI against the lab's engine. */
  docker(args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** `docker inspect` of one container (or image, with `kind: "image"`). */
  inspect(name: string, kind?: "container" | "image"): Promise<Inspected>;
  /** Polls a container's health status until it reads `healthy`. */
  waitHealthy(name: string, timeoutMs?: number): Promise<void>;
  /** The token a bot container left in /data/bootstrap-token. */
  bootstrapToken(name: string): Promise<string>;
  /** The gid of the engine's socket: what a container joins to deploy through it. */
  socketGroup(): Promise<number>;
  /**
   * Runs a script (README blocks) with bash in `dir`, its docker commands reaching the lab's
   * engine; returns its stdout. Stderr goes to a file beside the script, quoted on failure.
   */
  shell(dir: string, name: string, script: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const Inspected = z
  .object({
    Id: z.string(),
    /** A container's image id. */
    Image: z.string().optional(),
    Size: z.number().optional(),
    Config: z.object({
      User: z.string(),
      Env: z.array(z.string()).nullable(),
      Healthcheck: z.object({ Test: z.array(z.string()) }).optional(),
    }),
    State: z
      .object({
        ExitCode: z.number(),
        Health: z.object({ Status: z.string() }).optional(),
      })
      .optional(),
  })
  .loose();
export type Inspected = z.infer<typeof Inspected>;

/**
 * Starts a private engine, imports the base image the Dockerfile names (built from Debian's
 * packages once per machine: test/harness/base-image.ts) and builds the image as README says,
 * with `--network host` because the engine has no bridge for RUN steps to reach the registry.
 */
export async function startImageLab(options: DockerdOptions = {}): Promise<ImageLab> {
  const dockerd = await startDockerd(options);
  const docker = (args: readonly string[], { timeoutMs = 60_000 } = {}) =>
    runCommand(["docker", "-H", dockerd.dockerHost, ...args], { timeoutMs });
  const lab: ImageLab = {
    dockerd,
    docker,
    async inspect(name, kind = "container") {
      const { stdout } = await docker(["inspect", "--type", kind, name]);
      return Inspected.parse(z.array(z.unknown()).length(1).parse(JSON.parse(stdout))[0]);
    },
    async waitHealthy(name, timeoutMs = 60_000) {
      await waitUntil(async () => (await lab.inspect(name)).State?.Health?.Status === "healthy", {
        what: `${name} to be healthy`,
        timeoutMs,
        intervalMs: 250,
      });
    },
    async bootstrapToken(name) {
      const read = async () => (await docker(["exec", name, "cat", "/data/bootstrap-token"])).stdout.trim();
      return waitUntil(read, { what: `${name}'s bootstrap token`, timeoutMs: 30_000, intervalMs: 250 });
    },
    async socketGroup() {
      return (await stat(dockerd.socketPath)).gid;
    },
    shell: (dir, name, script, timeoutMs = 120_000) =>
      runShell(dockerd.dockerHost, dir, name, script, timeoutMs),
    async stop() {
      // A Compose project's network is a bridge in this machine's network namespace, which
      // outlives the engine: remove the containers, then every network they left.
      const { stdout } = await docker(["ps", "-aq"]).catch(() => ({ stdout: "" }));
      const containers = stdout.split("\n").filter((id) => id !== "");
      if (containers.length > 0) await docker(["rm", "-f", ...containers]).catch(() => undefined);
      await docker(["network", "prune", "-f"]).catch(() => undefined);
      await dockerd.stop();
    },
  };
  try {
    await importBaseImage(dockerd.dockerHost, await dockerfileBase());
    await docker(["build", "--network", "host", "-t", IMAGE, repoRoot], { timeoutMs: 10 * 60_000 });
  } catch (error) {
    await dockerd.stop();
    throw error;
  }
  return lab;
}

/** The image the Dockerfile builds FROM by default (its NODE_IMAGE argument). */
export async function dockerfileBase(): Promise<string> {
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(await readRepoFile("Dockerfile"))?.[1];
  if (base === undefined) throw new Error("the Dockerfile names no ARG NODE_IMAGE=<base image>");
  return base;
}

async function runShell(dockerHost: string, dir: string, name: string, script: string, timeoutMs: number) {
  const file = join(dir, `${name}.sh`);
  const stderr = `${file}.stderr`;
  await writeFile(file, `exec 2>"${stderr}"\nset -euo pipefail\n${script}`, { mode: 0o600 });
  const child = startProcess({
    name,
    argv: ["bash", file],
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      TMPDIR: dir,
      DOCKER_HOST: dockerHost,
      DOCKER_CONFIG: join(dir, "docker-config"),
    },
    outputLimitBytes: 1 << 20,
  });
  const timer = setTimeout(() => void child.stop({ graceMs: 1_000 }), timeoutMs);
  const exit = await child.exited.finally(() => clearTimeout(timer));
  if (exit.code !== 0) {
    const errors = await readFile(stderr, "utf8").catch(() => "");
    throw new Error(
      `${name} exited with ${exit.code ?? exit.signal}:\n${child.output()}\n--- stderr ---\n${errors}`,
    );
  }
  return child.output();
}
