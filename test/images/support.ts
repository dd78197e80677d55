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

/** A store on a real libsql file in a temp dir, and registry deps with fast retries. */
export async function openTestStore(): Promise<{
  store: Store;
  registries: RegistryDeps;
  path: string;
  masterKey: Buffer;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "bridgeport-images-"));
  const path = join(dir, "bridgeport.db");
  const database = await openDatabase({ url: `file:${path}` });
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
