import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../errors.js";
import { countRows, openTestStore, seedBasics, type TestStore } from "../test-fixtures.js";
import type { RegistryConnectionPatch } from "./registries.js";

let t: TestStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeEach(async () => {
  t = await openTestStore();
  basics = await seedBasics(t.store);
});
afterEach(() => t.database.close());

describe("registry credentials", () => {
  it("makes version 1 on create and reports the fields present, not their values", async () => {
    const { registry } = basics;
    expect(registry.activeCredentialVersion).toBe(1);
    expect(registry.secretFields).toEqual(["username", "password"]);
    expect(await t.store.registries.getSecrets(registry.id)).toEqual({
      version: 1,
      secrets: { username: "deploy", password: "first-password" },
    });
  });

  it("creates no version for a registry without credentials", async () => {
    const open = await t.store.registries.create({
      environmentId: basics.environment.id,
      name: "docker hub",
      type: "public",
      registryUrl: "https://registry-1.docker.io",
    });
    expect(open.activeCredentialVersion).toBeNull();
    expect(open.secretFields).toEqual([]);
    expect(await t.store.registries.getSecrets(open.id)).toEqual({ version: null, secrets: {} });
    expect(await t.store.registries.listCredentialVersions(open.id)).toEqual([]);
  });

  it("saves new credentials as version N+1, activates them, and can go back to an older version", async () => {
    const { registry } = basics;
    const v2 = await t.store.registries.saveCredentials(registry.id, { token: "second-token" });
    expect(v2.activeCredentialVersion).toBe(2);
    expect(v2.secretFields).toEqual(["token"]);
    expect((await t.store.registries.getSecrets(registry.id)).secrets).toEqual({ token: "second-token" });

    const v3 = await t.store.registries.update(registry.id, {
      secrets: { username: "u3", password: "third" },
    });
    expect(v3.activeCredentialVersion).toBe(3);

    const back = await t.store.registries.activateVersion(registry.id, 1);
    expect(back.activeCredentialVersion).toBe(1);
    expect(back.secretFields).toEqual(["username", "password"]);
    expect(await t.store.registries.getSecrets(registry.id)).toEqual({
      version: 1,
      secrets: { username: "deploy", password: "first-password" },
    });
    const versions = await t.store.registries.listCredentialVersions(registry.id);
    expect(versions.map((v) => [v.version, v.active, v.secretFields])).toEqual([
      [1, true, ["username", "password"]],
      [2, false, ["token"]],
      [3, false, ["username", "password"]],
    ]);
  });

  it("replaces every version when the destination changes, keeping the numbering going", async () => {
    const { registry } = basics;
    await t.store.registries.saveCredentials(registry.id, { token: "second-token" });
    const moved = await t.store.registries.update(registry.id, {
      registryUrl: "https://elsewhere.example.com",
      secrets: { username: "u3", password: "third" },
      replaceCredentials: true,
    });
    expect(moved).toMatchObject({ activeCredentialVersion: 3, secretFields: ["username", "password"] });
    expect((await t.store.registries.listCredentialVersions(registry.id)).map((v) => v.version)).toEqual([3]);
    await expect(t.store.registries.activateVersion(registry.id, 1)).rejects.toBeInstanceOf(NotFoundError);

    const cleared = await t.store.registries.update(registry.id, {
      type: "public",
      replaceCredentials: true,
    });
    expect(cleared).toMatchObject({ activeCredentialVersion: null, secretFields: [] });
    expect(await t.store.registries.listCredentialVersions(registry.id)).toEqual([]);
    expect(await t.store.registries.getSecrets(registry.id)).toEqual({ version: null, secrets: {} });
  });

  it("refuses to activate a version that does not exist", async () => {
    await expect(t.store.registries.activateVersion(basics.registry.id, 7)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("rejects secret fields the schema does not know", async () => {
    const bogus = { username: "u", apiKey: "nope" } as unknown as { username: string };
    await expect(t.store.registries.saveCredentials(basics.registry.id, bogus)).rejects.toThrow();
    expect((await t.store.registries.get(basics.registry.id))?.activeCredentialVersion).toBe(1);
  });
});

describe("login cache invalidation", () => {
  const recordLogin = () =>
    t.store.registryLogins.record({
      serverId: basics.server.id,
      registryConnectionId: basics.registry.id,
      credentialVersion: 1,
      loggedInAt: t.clock.now(),
    });

  it.each<[string, RegistryConnectionPatch, "forgets" | "keeps"]>([
    ["name", { name: "harbor-eu" }, "keeps"],
    ["autoLinkPattern", { autoLinkPattern: "team/*" }, "keeps"],
    ["refreshIntervalMinutes", { refreshIntervalMinutes: 60 }, "keeps"],
    ["isDefault", { isDefault: true }, "keeps"],
    ["repositoryPrefix", { repositoryPrefix: "team" }, "keeps"],
    ["lastSyncAt", { lastSyncAt: new Date(0) }, "keeps"],
    ["registryUrl to the same value", { registryUrl: "https://harbor.example.test" }, "keeps"],
    ["type to the same value", { type: "generic" }, "keeps"],
    ["type", { type: "quay" }, "forgets"],
    ["registryUrl", { registryUrl: "https://harbor2.example.test" }, "forgets"],
    ["credentials", { secrets: { username: "deploy", password: "rotated" } }, "forgets"],
  ])("editing %s %s cached logins", async (_field, patch, outcome) => {
    const invalidates = outcome === "forgets";
    await recordLogin();
    t.clock.advance(1000);
    const before = await t.store.registries.get(basics.registry.id);
    const after = await t.store.registries.update(basics.registry.id, patch);
    const logins = await t.store.registryLogins.list({ registryConnectionId: basics.registry.id });
    expect(logins).toHaveLength(invalidates ? 0 : 1);
    expect(after.authChangedAt.getTime() > (before?.authChangedAt.getTime() ?? 0)).toBe(invalidates);
    expect(after.updatedAt.getTime()).toBe(t.clock.now().getTime());
  });

  it("activating another credential version invalidates cached logins; re-activating the active one does not", async () => {
    await t.store.registries.saveCredentials(basics.registry.id, { token: "v2" });
    await t.store.registryLogins.record({
      serverId: basics.server.id,
      registryConnectionId: basics.registry.id,
      credentialVersion: 2,
      loggedInAt: t.clock.now(),
    });
    await t.store.registries.activateVersion(basics.registry.id, 2);
    expect(await t.store.registryLogins.list({ registryConnectionId: basics.registry.id })).toHaveLength(1);
    await t.store.registries.activateVersion(basics.registry.id, 1);
    expect(await t.store.registryLogins.list({ registryConnectionId: basics.registry.id })).toHaveLength(0);
  });

  it("treats a login as current only with the active version and after the last auth change", async () => {
    const { server, registry } = basics;
    await recordLogin();
    expect(await t.store.registryLogins.current(server.id, registry.id)).toBeUndefined(); // same millisecond
    t.clock.advance(1);
    await recordLogin();
    expect(await t.store.registryLogins.current(server.id, registry.id)).toMatchObject({
      credentialVersion: 1,
    });

    // A login that started before a rotation and is recorded after it is stale either way.
    const startedAt = t.clock.now();
    t.clock.advance(1000);
    await t.store.registries.saveCredentials(registry.id, { token: "v2" });
    await t.store.registryLogins.record({
      serverId: server.id,
      registryConnectionId: registry.id,
      credentialVersion: 1,
      loggedInAt: startedAt,
    });
    expect(await t.store.registryLogins.current(server.id, registry.id)).toBeUndefined();
    await t.store.registryLogins.record({
      serverId: server.id,
      registryConnectionId: registry.id,
      credentialVersion: 2,
      loggedInAt: startedAt,
    });
    expect(await t.store.registryLogins.current(server.id, registry.id)).toBeUndefined();

    t.clock.advance(1);
    await t.store.registryLogins.record({
      serverId: server.id,
      registryConnectionId: registry.id,
      credentialVersion: 2,
      loggedInAt: t.clock.now(),
    });
    expect(await t.store.registryLogins.current(server.id, registry.id)).toMatchObject({
      credentialVersion: 2,
    });
    await t.store.registryLogins.forget(server.id, registry.id);
    expect(await t.store.registryLogins.current(server.id, registry.id)).toBeUndefined();
  });
});

describe("registry metadata", () => {
  it("keeps a single default registry per environment", async () => {
    const first = await t.store.registries.update(basics.registry.id, { isDefault: true });
    expect(first.isDefault).toBe(true);
    const second = await t.store.registries.create({
      environmentId: basics.environment.id,
      name: "ghcr",
      type: "ghcr",
      registryUrl: "https://ghcr.io",
      isDefault: true,
    });
    expect(second.isDefault).toBe(true);
    expect((await t.store.registries.get(basics.registry.id))?.isDefault).toBe(false);
  });

  it("refuses a second registry with the same name in the environment", async () => {
    const duplicate = t.store.registries.create({
      environmentId: basics.environment.id,
      name: "harbor",
      type: "generic",
      registryUrl: "https://other.example.test",
    });
    await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
    await expect(duplicate).rejects.toThrow(
      "A registry connection with this name already exists in this environment",
    );
  });

  it.each([4, 1441])("refuses a refresh interval of %i minutes", async (minutes) => {
    const error = await t.store.registries
      .update(basics.registry.id, { refreshIntervalMinutes: minutes })
      .catch((e: unknown) => e);
    expect(String((error as Error).cause)).toMatch(
      /check constraint.*registry_connections_refresh_interval_check/i,
    );
  });

  it("defaults the refresh interval to 30 minutes", () => {
    expect(basics.registry.refreshIntervalMinutes).toBe(30);
  });

  it("lists by environment", async () => {
    const other = await t.store.environments.create({ name: "production" });
    await t.store.registries.create({
      environmentId: other.id,
      name: "harbor",
      type: "generic",
      registryUrl: "https://harbor.example.test",
    });
    const staging = await t.store.registries.list({ environmentId: basics.environment.id });
    expect(staging.map((r) => r.id)).toEqual([basics.registry.id]);
    expect(await t.store.registries.list()).toHaveLength(2);
  });
});

describe("registry deletion", () => {
  it("refuses while images are attached, with the seed's message", async () => {
    await t.store.images.create({
      environmentId: basics.environment.id,
      name: "Worker",
      imageName: "harbor.example.test/team/worker",
      registryConnectionId: basics.registry.id,
    });
    const attempt = t.store.registries.delete(basics.registry.id);
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(
      /^Cannot delete registry connection with 2 container image\(s\) attached$/,
    );
  });

  it("deletes once the images are unlinked, taking its credentials and logins along", async () => {
    await t.store.images.update(basics.image.id, { registryConnectionId: null });
    await t.store.registryLogins.record({
      serverId: basics.server.id,
      registryConnectionId: basics.registry.id,
      credentialVersion: 1,
      loggedInAt: t.clock.now(),
    });
    await t.store.registries.delete(basics.registry.id);
    expect(await t.store.registries.get(basics.registry.id)).toBeUndefined();
    expect(await countRows(t.database, "registry_credentials")).toBe(0);
    expect(await t.store.registryLogins.list()).toEqual([]);
  });

  it("reports an unknown id as not found", async () => {
    await expect(t.store.registries.delete("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.store.registries.update("nope", { name: "x" })).rejects.toBeInstanceOf(NotFoundError);
  });
});
