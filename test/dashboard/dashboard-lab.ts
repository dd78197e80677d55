import { randomUUID } from "node:crypto";
import { imageDigestOf, inspectContainer, pullImage, socketDockerHost } from "@bridgeport/core";
import {
  freePort,
  type RegistryInfo,
  type RunnableImage,
  runCommand,
  runnableImage,
} from "@bridgeport/test/harness";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";

/**
 * What a newcomer has before opening the dashboard: a registry holding two healthy versions
 * of an app, a Docker engine running the first one as a container started by hand, and the
 * bot (nothing configured in it). `pushBad` pushes a version whose HEALTHCHECK always fails.
 */
export interface DashboardLab {
  bot: BotLab;
  registry: RegistryInfo;
  dockerd: Dockerd;
  /** `host/repository`, as an image name. */
  imageName: string;
  containerName: string;
  versions: { v1: RunnableImage; v2: RunnableImage };
  pushBad(tag: string): Promise<RunnableImage>;
  /** The digest the container runs now. */
  runningDigest(): Promise<string>;
  stop(): Promise<void>;
}

export async function startDashboardLab(registry: RegistryInfo): Promise<DashboardLab> {
  const repository = `dashboard/web-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const versions = {
    v1: await runnableImage(registry, repository, "v1.0.0", { version: "v1", port, healthcheck: "passing" }),
    v2: await runnableImage(registry, repository, "v1.1.0", { version: "v2", port, healthcheck: "passing" }),
  };
  const dockerd = await startDockerd({ insecureRegistries: [registry.host] });
  const imageName = `${registry.host}/${repository}`;
  const containerName = `web-${randomUUID().slice(0, 6)}`;
  const engine = socketDockerHost("lab", dockerd.socketPath);
  try {
    const v1 = `${imageName}@${versions.v1.digest}`;
    await pullImage(engine, v1, {
      server: registry.host,
      username: registry.username,
      password: registry.password,
    });
    await runCommand([
      "docker",
      "-H",
      dockerd.dockerHost,
      "run",
      "-d",
      "--name",
      containerName,
      "--network",
      "host",
      v1,
    ]);
  } finally {
    await engine.close();
  }
  const bot = await startBotLab();
  return {
    bot,
    registry,
    dockerd,
    imageName,
    containerName,
    versions,
    pushBad: (tag) =>
      runnableImage(registry, repository, tag, { version: "bad", port, healthcheck: "failing" }),
    async runningDigest() {
      // A connection of its own each time: the bot's deploys close the engine clients of this
      // socket when they finish.
      const host = socketDockerHost("lab", dockerd.socketPath);
      try {
        const container = await inspectContainer(host.engine, containerName);
        return container ? ((await imageDigestOf(host.engine, container)).digest ?? "") : "";
      } finally {
        await host.close();
      }
    },
    async stop() {
      await bot.stop();
      await dockerd.stop();
    },
  };
}
