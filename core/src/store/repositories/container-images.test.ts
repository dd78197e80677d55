import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../errors.js";
import { openTestStore, openTestStorePair, seedBasics, type TestStore } from "../test-fixtures.js";

let t: TestStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeEach(async () => {
  t = await openTestStore();
  basics = await seedBasics(t.store);
});
afterEach(() => t.database.close());

const DUPLICATE = /^A container image for this image name already exists$/;

describe("container images", () => {
  it("defaults the tag filter to latest and starts with no update", () => {
    expect(basics.image).toMatchObject({
      tagFilter: "latest",
      updateAvailable: false,
      autoUpdate: false,
      deployedDigestId: null,
      lastCheckedAt: null,
    });
  });

  it("refuses a second image with the same image name in the environment, with the seed's message", async () => {
    const attempt = t.store.images.create({
      environmentId: basics.environment.id,
      name: "Same path, other name",
      imageName: basics.image.imageName,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(DUPLICATE);
  });

  it("refuses renaming an image onto another's image name", async () => {
    const other = await t.store.images.create({
      environmentId: basics.environment.id,
      name: "Worker",
      imageName: "harbor.example.test/team/worker",
    });
    await expect(t.store.images.update(other.id, { imageName: basics.image.imageName })).rejects.toThrow(
      DUPLICATE,
    );
  });

  it("allows the same image name in another environment", async () => {
    const production = await t.store.environments.create({ name: "production" });
    const twin = await t.store.images.create({
      environmentId: production.id,
      name: "API",
      imageName: basics.image.imageName,
    });
    expect(await t.store.images.findByImageName(production.id, basics.image.imageName)).toEqual(twin);
    expect(await t.store.images.list({ environmentId: basics.environment.id })).toEqual([basics.image]);
  });

  it("records what a sync found", async () => {
    await t.store.digests.upsertMany(basics.image.id, [
      {
        manifestDigest: `sha256:${"c".repeat(64)}`,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        tags: ["latest"],
        pushedAt: t.clock.now(),
        pushedAtSource: "first_seen",
      },
    ]);
    const [latest] = await t.store.digests.listForImage(basics.image.id);
    const updated = await t.store.images.update(basics.image.id, {
      lastCheckedAt: t.clock.now(),
      latestDigestId: latest?.id ?? null,
      latestTag: "latest",
      updateAvailable: false,
      updateReason: "No deployed digest is recorded for this image",
    });
    expect(updated).toMatchObject({
      latestDigestId: latest?.id,
      latestTag: "latest",
      lastCheckedAt: t.clock.now(),
    });
    expect(await t.store.images.list({ registryConnectionId: basics.registry.id })).toEqual([updated]);
  });

  it("refuses deletion while services are linked, with the seed's message", async () => {
    for (const containerName of ["api-1", "api-2"]) {
      await t.store.services.create({
        serverId: basics.server.id,
        containerImageId: basics.image.id,
        name: "api",
        containerName,
      });
    }
    const attempt = t.store.images.delete(basics.image.id);
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/^Cannot delete container image: 2 service\(s\) are still linked$/);
    expect(await t.store.images.get(basics.image.id)).toBeDefined();
  });

  it("deletes an image without services", async () => {
    await t.store.images.delete(basics.image.id);
    expect(await t.store.images.get(basics.image.id)).toBeUndefined();
    await expect(t.store.images.delete(basics.image.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("environments", () => {
  it("refuses a duplicate name and a deletion that would orphan rows", async () => {
    await expect(t.store.environments.create({ name: "staging" })).rejects.toThrow(
      "An environment with this name already exists",
    );
    await expect(t.store.environments.delete(basics.environment.id)).rejects.toThrow(
      "Cannot delete environment: it still has 1 registry connection(s), 1 container image(s) and 1 server(s)",
    );
  });

  it("defaults to pruning dangling images, off", async () => {
    expect(basics.environment).toMatchObject({ autoPruneImages: false, pruneImagesMode: "dangling" });
    const updated = await t.store.environments.update(basics.environment.id, {
      autoPruneImages: true,
      pruneImagesMode: "all",
    });
    expect(updated).toMatchObject({ autoPruneImages: true, pruneImagesMode: "all" });
    expect(await t.store.environments.findByName("staging")).toEqual(updated);
  });

  it("deletes an empty environment", async () => {
    const empty = await t.store.environments.create({ name: "scratch" });
    await t.store.environments.delete(empty.id);
    expect(await t.store.environments.list()).toEqual([basics.environment]);
  });
});

describe("images.listNames", () => {
  it("answers from what it read until this store or another connection changes the images", async () => {
    const { ours, other, close } = await openTestStorePair();
    try {
      const { image, environment } = await seedBasics(ours.store);
      const names = async () => (await ours.store.images.listNames()).map((n) => n.imageName).sort();
      expect(await names()).toEqual([image.imageName]);

      await ours.store.images.update(image.id, { imageName: "harbor.example.test/team/api-v2" });
      expect(await names()).toEqual(["harbor.example.test/team/api-v2"]);

      // Another process (here another connection) adds one: SQLite's data_version tells;
      // PostgreSQL reads them again.
      await other.store.images.create({
        environmentId: environment.id,
        name: "worker",
        imageName: "harbor.example.test/team/worker",
      });
      expect(await names()).toEqual(["harbor.example.test/team/api-v2", "harbor.example.test/team/worker"]);

      // A caller changing its copy changes nothing for the next.
      (await ours.store.images.listNames()).pop();
      expect(await names()).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
