import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  executePlan,
  inspectImage,
  MemoryLoginCache,
  requestDeploy,
  type Server,
  socketDockerHost,
  storeHostProvider,
} from "@bridgeport/core";
import {
  freePort,
  type RunnableImage,
  type RunningRegistry,
  randomPassword,
  runnableImage,
  startRegistry,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { openTestStore } from "../images/support.js";

/**
 * A socket-mode pull hands the engine the linked connection's credentials, and the engine
 * gives them to whatever registry the image names. Two real registries: the connection's own
 * (htpasswd), and a foreign one that lets anyone pull and whose token issuer records every user
 * who presents credentials. The same user exists on both, so a leaked secret shows as that user.
 */
const user = { username: "bridgeport", password: randomPassword() };
const repo = `socket-pull/web-${randomUUID().slice(0, 8)}`;

let home: RunningRegistry;
let foreign: RunningRegistry;
let dockerd: Dockerd;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let pushed: RunnableImage;
let server: Server;
let connectionId: string;
let environmentId: string;

beforeAll(async () => {
  [home, foreign, ctx] = await Promise.all([
    startRegistry({ auth: "htpasswd", users: [user] }),
    startRegistry({
      auth: "token",
      users: [user],
      // Anyone may pull; only the test's own push needs the user.
      tokenGrant: ({ user: who, scope }) =>
        who === null ? scope.actions.filter((a) => a === "pull") : scope.actions,
    }),
    openTestStore(),
  ]);
  dockerd = await startDockerd({ insecureRegistries: [home.host, foreign.host] });
  const port = await freePort();
  pushed = await runnableImage(foreign, repo, "v1.0.0", { version: "v1", port });
  await runnableImage(home, repo, "v1.0.0", { version: "v1", port });
  foreign.tokenIssuer?.clearRequests(); // the push above was the test's own, with the user
  const { store } = ctx;
  const environment = await store.environments.create({ name: "socket-pull" });
  environmentId = environment.id;
  const connection = await store.registries.create({
    environmentId,
    name: "home",
    type: "generic",
    registryUrl: home.url,
    secrets: { username: user.username, password: user.password },
  });
  connectionId = connection.id;
  server = await store.servers.create({
    environmentId,
    name: "local-engine",
    mode: "socket",
    socketPath: dockerd.socketPath,
  });
}, 180_000);
afterAll(async () => {
  await ctx?.close();
  await Promise.allSettled([home?.stop(), foreign?.stop(), dockerd?.stop()]);
});

/** Stores an image of `host` linked to the home connection, with the pushed digest, and deploys it. */
async function deployFrom(host: string, name: string): Promise<{ image: ContainerImage; log: string }> {
  const { store } = ctx;
  // Straight into the store: an image saved before the API compared hosts.
  const image = await store.images.create({
    environmentId,
    name,
    imageName: `${host}/${repo}`,
    registryConnectionId: connectionId,
  });
  await store.digests.upsertMany(image.id, [
    {
      manifestDigest: pushed.digest,
      mediaType: pushed.mediaType,
      configDigest: pushed.configDigest,
      tags: ["v1.0.0"],
      size: pushed.size,
      pushedAt: new Date(),
      pushedAtSource: "first_seen",
    },
  ]);
  const [digest] = await store.digests.listForImage(image.id);
  await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name,
    containerName: `${name}-${randomUUID().slice(0, 6)}`,
  });
  const planned = await requestDeploy(store, {
    containerImageId: image.id,
    imageDigestId: digest?.id ?? "",
    autoRollback: true,
    trigger: "api",
    triggeredBy: "tests@example.com",
  });
  if (planned.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(planned)}`);
  const hosts = storeHostProvider(store);
  try {
    await executePlan(planned.planId, {
      store,
      hosts,
      registries: ctx.registries,
      loginCache: new MemoryLoginCache(),
      owner: "socket-pull-test",
    });
  } finally {
    await hosts.close();
  }
  const steps = (await store.plans.getWithSteps(planned.planId))?.steps ?? [];
  return { image, log: steps.map((s) => s.log).join("") };
}

describe("socket-mode pulls send a connection's credentials only to its own host", () => {
  it("pulls an image of a foreign registry without them", async () => {
    const { log } = await deployFrom(foreign.host, "foreign");
    // The engine did go to the foreign registry and pulled there, anonymously.
    expect(log).toContain(`pulled ${pushed.digest}`);
    const requests = foreign.tokenIssuer?.requests ?? [];
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.map((r) => r.user)).toEqual(requests.map(() => null));
    const engine = socketDockerHost(server.id, dockerd.socketPath);
    try {
      expect(await inspectImage(engine.engine, `${foreign.host}/${repo}@${pushed.digest}`)).not.toBeNull();
    } finally {
      await engine.close();
    }
  });

  it("still sends them to the connection's own registry, which needs them", async () => {
    const { log } = await deployFrom(home.host, "home");
    expect(log).toContain(`pulled ${pushed.digest}`);
  });
});
