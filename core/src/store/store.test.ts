import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConflictError } from "./errors.js";
import { openTestStore, seedBasics, TEST_ENGINE, type TestStore } from "./test-fixtures.js";

let t: TestStore | undefined;
let dir: string | undefined;
afterEach(async () => {
  t?.database.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  t = undefined;
  dir = undefined;
});

describe("createStore", () => {
  it.each(TEST_ENGINE === "postgres" ? ["postgres"] : ["memory", "file"])(
    "serves many overlapping calls (%s), and a failed call does not block the rest",
    async (kind) => {
      dir = kind === "file" ? await mkdtemp(join(tmpdir(), "bp-store-")) : undefined;
      t = await openTestStore(dir ? { url: `file:${join(dir, "bridgeport.db")}` } : {});
      const store = t.store;
      const { environment, registry, image } = await seedBasics(store);
      const work = Array.from({ length: 60 }, (_, i) => {
        switch (i % 4) {
          case 0:
            return store.images.create({
              environmentId: environment.id,
              name: `img ${i}`,
              imageName: `app/${i}`,
            });
          case 1:
            return store.registries.saveCredentials(registry.id, { token: `token-${i}` });
          case 2:
            return store.digests.upsertMany(image.id, [
              {
                manifestDigest: `sha256:${i.toString(16).padStart(64, "0")}`,
                mediaType: "application/vnd.oci.image.manifest.v1+json",
                tags: [`t${i}`],
                pushedAt: new Date(i),
                pushedAtSource: "registry",
              },
            ]);
          default:
            // Every one of these is refused: the same image name again.
            return store.images
              .create({ environmentId: environment.id, name: "dup", imageName: image.imageName })
              .catch((e: unknown) => e);
        }
      });
      const results = await Promise.all(work);
      expect(results.filter((r) => r instanceof ConflictError)).toHaveLength(15);
      expect(await store.images.list({ environmentId: environment.id })).toHaveLength(16);
      expect(await store.digests.listForImage(image.id)).toHaveLength(15);
      expect((await store.registries.listCredentialVersions(registry.id)).at(-1)?.version).toBe(16);
    },
  );
});
