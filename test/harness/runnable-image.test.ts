import { mkdir, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createPushClient,
  freePort,
  makeTempDir,
  removeTempDir,
  runCommand,
  runnableImage,
  startProcess,
  waitUntil,
} from "./index.js";

const { basic } = inject("registries");
const target = { url: basic.url, username: basic.username, password: basic.password };
const repo = "fixtures/runnable";
const isRoot = process.getuid?.() === 0;

interface ImageConfig {
  config: { Env: string[]; Cmd: string[]; Healthcheck?: { Test: string[] } };
}

async function pullInto(root: string, manifest: Buffer, dir: string): Promise<ImageConfig> {
  const client = createPushClient(target);
  const parsed = JSON.parse(manifest.toString()) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  await mkdir(root, { recursive: true });
  for (const layer of parsed.layers) {
    const blob = await client.request({ repo, path: `/v2/${repo}/blobs/${layer.digest}` });
    const file = join(dir, `${layer.digest.slice("sha256:".length)}.tar.gz`);
    await writeFile(file, Buffer.from(await blob.body.arrayBuffer()));
    await runCommand(["tar", "-xzf", file, "-C", root]);
  }
  const config = await client.request({ repo, path: `/v2/${repo}/blobs/${parsed.config.digest}` });
  return (await config.body.json()) as ImageConfig;
}

describe("runnable image", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await makeTempDir("runnable");
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });

  it.each([
    ["passing", ["CMD-SHELL", 'wget -q --spider "http://127.0.0.1:$PORT/" || exit 1']],
    ["failing", ["CMD-SHELL", "exit 1"]],
  ] as const)("holds busybox, the version page, PORT and a %s health check", async (healthcheck, test) => {
    const pushed = await runnableImage(target, repo, healthcheck, {
      version: `build-${healthcheck}`,
      port: 18_123,
      healthcheck,
    });
    const root = join(dir, healthcheck);
    const config = await pullInto(root, pushed.manifest, dir);
    expect(config.config).toMatchObject({
      Env: ["PATH=/bin", "PORT=18123", `APP_VERSION=build-${healthcheck}`],
      Cmd: ["/bin/sh", "-c", 'exec httpd -f -p "$PORT" -h /www'],
      Healthcheck: { Test: test, Interval: 1_000_000_000, Timeout: 2_000_000_000, Retries: 3 },
    });
    expect(await readlink(join(root, "bin/sh"))).toBe("busybox");
    expect((await runCommand([join(root, "bin/cat"), join(root, "www/index.html")])).stdout).toBe(
      `build-${healthcheck}\n`,
    );
  });

  // chroot needs root; CI and the dev machines run as root, elsewhere this is skipped.
  it.skipIf(!isRoot).each(["passing", "failing"] as const)(
    "its Cmd serves the version on $PORT and its %s health check answers accordingly",
    async (healthcheck) => {
      const port = await freePort();
      const pushed = await runnableImage(target, repo, `served-${healthcheck}`, {
        version: `v-${port}`,
        port,
        healthcheck,
      });
      const root = join(dir, `served-${healthcheck}`);
      const { config } = await pullInto(root, pushed.manifest, dir);
      const env = Object.fromEntries(config.Env.map((pair) => pair.split("=", 2) as [string, string]));
      const server = startProcess({
        name: "image httpd",
        argv: ["/usr/sbin/chroot", root, ...config.Cmd] as [string, ...string[]],
        env,
      });
      try {
        const body = await waitUntil(
          async () => {
            const response = await request(`http://127.0.0.1:${port}/`);
            if (response.statusCode === 200) return response.body.text();
            await response.body.dump();
            return undefined;
          },
          { what: "the image's httpd", timeoutMs: 10_000, process: server },
        );
        expect(body).toBe(`v-${port}\n`);
        const [, shellCommand] = config.Healthcheck?.Test ?? [];
        const probe = runCommand(
          // Docker runs the health check with the image's environment.
          ["/usr/sbin/chroot", root, "/bin/env", ...config.Env, "/bin/sh", "-c", shellCommand ?? "exit 2"],
          {
            timeoutMs: 5_000,
          },
        );
        if (healthcheck === "passing") await expect(probe).resolves.toBeDefined();
        else await expect(probe).rejects.toThrow(/exited with code 1/);
      } finally {
        await server.stop();
      }
    },
  );
});
