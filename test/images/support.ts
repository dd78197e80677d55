import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  openDatabase,
  type RegistryDeps,
  type Store,
} from "@bridgeport/core";
import { openTestDatabase, TEST_ENGINE } from "../../core/src/store/test-fixtures.js";

/**
 * A store on a real libsql file in a temp dir (or, in the `*-pg` projects, on the test file's
 * PostgreSQL database, emptied; `path` is then ""), and registry deps with fast retries.
 */
export async function openTestStore(): Promise<{
  store: Store;
  registries: RegistryDeps;
  path: string;
  masterKey: Buffer;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "bridgeport-images-"));
  const path = TEST_ENGINE === "postgres" ? "" : join(dir, "bridgeport.db");
  const database = path ? await openDatabase({ url: `file:${path}` }) : await openTestDatabase();
  const masterKey = randomBytes(32);
  const store = createStore(database, { cipher: createCipher(masterKey) });
  const registries = createRegistryDeps({
    baseDelayMs: 20,
    maxDelayMs: 100,
    timeoutMs: 5_000,
    maxAttempts: 2,
  });
  return {
    store,
    registries,
    path,
    masterKey,
    async close() {
      await registries.transport.close();
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
