import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError } from "../errors.js";
import { openTestStore, seedBasics, type TestStore } from "../test-fixtures.js";
import type { ServerPatch } from "./servers.js";

let t: TestStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeEach(async () => {
  t = await openTestStore();
  basics = await seedBasics(t.store);
});
afterEach(() => t.database.close());

describe("servers", () => {
  it("keeps the password out of the metadata and hands it out only through getSecret", async () => {
    expect(basics.server).toMatchObject({ hasSecret: true, authKind: "password", port: 22 });
    expect(basics.server).not.toHaveProperty("secretCiphertext");
    expect(await t.store.servers.getSecret(basics.server.id)).toEqual({
      kind: "password",
      secret: "server-password",
    });
  });

  it("stores a socket-mode server without SSH details or secret", async () => {
    const local = await t.store.servers.create({
      environmentId: basics.environment.id,
      name: "local",
      mode: "socket",
      socketPath: "/run/docker.sock",
    });
    expect(local).toMatchObject({
      hasSecret: false,
      authKind: null,
      dockerSocketPath: "/var/run/docker.sock",
    });
    expect(await t.store.servers.getSecret(local.id)).toBeUndefined();
  });

  it("refuses an SSH server without host or user", async () => {
    const error = await t.store.servers
      .create({ environmentId: basics.environment.id, name: "half", mode: "ssh", host: "127.0.0.3" })
      .catch((e: unknown) => e);
    expect(String((error as Error).cause)).toMatch(/check constraint.*servers_ssh_target_check/i);
  });

  it("replaces and removes the secret", async () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nkey-body\n-----END OPENSSH PRIVATE KEY-----\n";
    const withKey = await t.store.servers.update(basics.server.id, { auth: { kind: "key", secret: key } });
    expect(withKey).toMatchObject({ authKind: "key", hasSecret: true });
    expect(await t.store.servers.getSecret(basics.server.id)).toEqual({ kind: "key", secret: key });
    const without = await t.store.servers.update(basics.server.id, { auth: null });
    expect(without).toMatchObject({ authKind: null, hasSecret: false });
    expect(await t.store.servers.getSecret(basics.server.id)).toBeUndefined();
  });

  it.each<[string, ServerPatch, "forgets" | "keeps"]>([
    ["name", { name: "web-one" }, "keeps"],
    ["hostKeyFingerprint", { hostKeyFingerprint: "SHA256:abc" }, "keeps"],
    ["platform", { platform: "linux/arm64" }, "keeps"],
    ["host to the same value", { host: "127.0.0.2" }, "keeps"],
    ["host", { host: "127.0.0.4" }, "forgets"],
    ["port", { port: 2222 }, "forgets"],
    ["username", { username: "other" }, "forgets"],
    ["dockerSocketPath", { dockerSocketPath: "/run/user/1000/docker.sock" }, "forgets"],
    ["auth", { auth: { kind: "password", secret: "new" } }, "forgets"],
  ])("editing %s %s its cached registry logins", async (_field, patch, outcome) => {
    await t.store.registryLogins.record({
      serverId: basics.server.id,
      registryConnectionId: basics.registry.id,
      credentialVersion: 1,
      loggedInAt: t.clock.now(),
    });
    await t.store.servers.update(basics.server.id, patch);
    const logins = await t.store.registryLogins.list({ serverId: basics.server.id });
    expect(logins).toHaveLength(outcome === "forgets" ? 0 : 1);
  });

  it("refuses deletion while services run on it", async () => {
    await t.store.services.create({
      serverId: basics.server.id,
      containerImageId: basics.image.id,
      name: "api",
      containerName: "api",
    });
    await expect(t.store.servers.delete(basics.server.id)).rejects.toThrow(
      "Cannot delete server: 1 service(s) are still on it",
    );
  });

  it("refuses a duplicate name in the environment", async () => {
    await expect(
      t.store.servers.create({
        environmentId: basics.environment.id,
        name: "web-1",
        mode: "socket",
        socketPath: "/run/docker.sock",
      }),
    ).rejects.toThrow("A server with this name already exists in this environment");
  });
});

describe("services", () => {
  const create = (containerName: string) =>
    t.store.services.create({
      serverId: basics.server.id,
      containerImageId: basics.image.id,
      name: containerName,
      containerName,
      healthCheck: {
        kind: "http",
        url: "http://127.0.0.1:8080/",
        timeoutMs: 2000,
        intervalMs: 1000,
        retries: 5,
      },
    });

  it("round-trips the health check and lists by image, server and environment", async () => {
    const api = await create("api");
    expect((await t.store.services.get(api.id))?.healthCheck).toEqual(api.healthCheck);
    for (const filter of [
      { containerImageId: basics.image.id },
      { serverId: basics.server.id },
      { environmentId: basics.environment.id },
    ]) {
      expect(await t.store.services.list(filter)).toEqual([api]);
    }
    expect(await t.store.services.list({ environmentId: "elsewhere" })).toEqual([]);
  });

  it("refuses two services for one container on a server", async () => {
    await create("api");
    await expect(create("api")).rejects.toThrow("A service for this container already exists on this server");
  });

  it("refuses linking to an image in another environment", async () => {
    const production = await t.store.environments.create({ name: "production" });
    const foreign = await t.store.images.create({
      environmentId: production.id,
      name: "API",
      imageName: basics.image.imageName,
    });
    const api = await create("api");
    const attempt = t.store.services.update(api.id, { containerImageId: foreign.id });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(
      "The service must be in the same environment as the container image",
    );
  });

  it("replaces dependencies and lists the edges", async () => {
    const [db, cache, api] = [await create("db"), await create("cache"), await create("api")];
    await t.store.services.setDependencies(api.id, [db.id, cache.id, db.id]);
    const edges = await t.store.services.listDependencies([api.id]);
    expect(edges).toHaveLength(2);
    expect(edges).toEqual(
      expect.arrayContaining([
        { serviceId: api.id, dependsOnServiceId: db.id },
        { serviceId: api.id, dependsOnServiceId: cache.id },
      ]),
    );
    await t.store.services.setDependencies(api.id, [cache.id]);
    expect(await t.store.services.listDependencies()).toEqual([
      { serviceId: api.id, dependsOnServiceId: cache.id },
    ]);
    await expect(t.store.services.setDependencies(api.id, [api.id])).rejects.toThrow(
      "A service cannot depend on itself",
    );
    await t.store.services.delete(cache.id);
    expect(await t.store.services.listDependencies()).toEqual([]);
  });
});
