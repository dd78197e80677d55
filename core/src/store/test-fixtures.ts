import { randomBytes } from "node:crypto";
import { type Cipher, createCipher } from "../crypto/cipher.js";
import { type Database, openDatabase } from "./database.js";
import { createStore, type Store } from "./store.js";

/** A settable clock for tests: `clock.now()` is what the store sees, `advance` moves it. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let current = start;
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface TestStore {
  store: Store;
  database: Database;
  cipher: Cipher;
  clock: TestClock;
}

/** A store over a fresh database (in memory unless `url` says otherwise) with a random key. */
export async function openTestStore(options: { url?: string; cipher?: Cipher } = {}): Promise<TestStore> {
  const database = await openDatabase({ url: options.url ?? ":memory:" });
  const cipher = options.cipher ?? createCipher(randomBytes(32));
  const clock = testClock();
  return { store: createStore(database, { cipher, now: clock.now }), database, cipher, clock };
}

/** An environment with one registry, one image on it and one SSH server: the common starting point. */
export async function seedBasics(store: Store) {
  const environment = await store.environments.create({ name: "staging" });
  const registry = await store.registries.create({
    environmentId: environment.id,
    name: "harbor",
    type: "generic",
    registryUrl: "https://harbor.example.test",
    secrets: { username: "deploy", password: "first-password" },
  });
  const image = await store.images.create({
    environmentId: environment.id,
    name: "API",
    imageName: "harbor.example.test/team/api",
    registryConnectionId: registry.id,
  });
  const server = await store.servers.create({
    environmentId: environment.id,
    name: "web-1",
    mode: "ssh",
    host: "127.0.0.2",
    username: "deploy",
    auth: { kind: "password", secret: "server-password" },
  });
  return { environment, registry, image, server };
}
