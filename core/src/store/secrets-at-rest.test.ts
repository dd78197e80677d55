import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openTestStore } from "./test-fixtures.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Every string (keys included) anywhere inside a JSON-able value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value instanceof Date || value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner)]);
}

/** The ways a leaked secret could appear in bytes: as is, base64, hex. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [secret, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")];
}

describe("secrets at rest", () => {
  it("never writes a secret in plaintext to the database file or its WAL, and no metadata method returns one", async () => {
    dir = await mkdtemp(join(tmpdir(), "bp-secrets-"));
    const url = `file:${join(dir, "bridgeport.db")}`;
    const mark = randomBytes(6).toString("hex");
    const secret = (what: string) => `${what}-${mark}-${randomBytes(9).toString("base64url")}`;
    const secrets = {
      username: secret("registry-user"),
      password: secret("registry-password"),
      token: secret("do-token"),
      rotatedToken: secret("rotated-token"),
      secretAccessKey: secret("aws-secret"),
      accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
      serviceAccountKey: JSON.stringify({ type: "service_account", private_key: secret("gcp-key") }),
      sshKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret("ssh-key")}\n-----END OPENSSH PRIVATE KEY-----\n`,
      sshPassword: secret("ssh-password"),
      newSshPassword: secret("ssh-password-2"),
    };
    // A non-secret value that must show up in the raw bytes: proves the scan can see text.
    const visibleName = `registry-name-${mark}`;

    const { store, database } = await openTestStore({ url });
    const returned: unknown[] = [];
    const keep = <T>(value: T): T => {
      returned.push(value);
      return value;
    };

    const env = await store.environments.create({ name: "production" });
    const generic = keep(
      await store.registries.create({
        environmentId: env.id,
        name: visibleName,
        type: "generic",
        registryUrl: "https://registry.example.test",
        secrets: { username: secrets.username, password: secrets.password },
      }),
    );
    const digitalocean = keep(
      await store.registries.create({
        environmentId: env.id,
        name: "do",
        type: "digitalocean",
        registryUrl: "https://api.digitalocean.com/v2/registry",
        secrets: { token: secrets.token },
      }),
    );
    keep(
      await store.registries.create({
        environmentId: env.id,
        name: "ecr",
        type: "ecr",
        registryUrl: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
        secrets: {
          accessKeyId: secrets.accessKeyId,
          secretAccessKey: secrets.secretAccessKey,
          region: "us-east-1",
        },
      }),
    );
    keep(
      await store.registries.create({
        environmentId: env.id,
        name: "gar",
        type: "gar",
        registryUrl: "https://europe-docker.pkg.dev",
        secrets: { serviceAccountKey: secrets.serviceAccountKey },
      }),
    );
    keep(await store.registries.saveCredentials(digitalocean.id, { token: secrets.rotatedToken }));
    keep(await store.registries.activateVersion(digitalocean.id, 1));
    keep(await store.registries.update(generic.id, { autoLinkPattern: "team/*" }));
    keep(await store.registries.get(generic.id));
    keep(await store.registries.list());
    keep(await store.registries.listCredentialVersions(digitalocean.id));

    const keyed = keep(
      await store.servers.create({
        environmentId: env.id,
        name: "web-1",
        mode: "ssh",
        host: "127.0.0.2",
        username: "deploy",
        auth: { kind: "key", secret: secrets.sshKey },
      }),
    );
    const passworded = keep(
      await store.servers.create({
        environmentId: env.id,
        name: "web-2",
        mode: "ssh",
        host: "127.0.0.3",
        username: "deploy",
        auth: { kind: "password", secret: secrets.sshPassword },
      }),
    );
    keep(
      await store.servers.update(passworded.id, {
        auth: { kind: "password", secret: secrets.newSshPassword },
      }),
    );
    keep(await store.servers.get(keyed.id));
    keep(await store.servers.list());

    // The secrets really are stored: the explicit methods give them back.
    expect((await store.registries.getSecrets(generic.id)).secrets.password).toBe(secrets.password);
    expect((await store.registries.getSecrets(digitalocean.id)).secrets.token).toBe(secrets.token);
    expect((await store.servers.getSecret(keyed.id))?.secret).toBe(secrets.sshKey);
    expect((await store.servers.getSecret(passworded.id))?.secret).toBe(secrets.newSshPassword);

    const secretValues = Object.values(secrets);
    const returnedText = returned.flatMap(strings);
    for (const value of secretValues) {
      expect(returnedText.filter((text) => text.includes(value))).toEqual([]);
    }
    // Not even the envelopes leave the store through metadata.
    expect(returnedText.filter((text) => text.startsWith("bp1:") || /ciphertext/i.test(text))).toEqual([]);

    const files = async () => {
      const names = (await readdir(dir ?? "")).filter((name) => name.startsWith("bridgeport.db"));
      return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(dir ?? "", name)) })));
    };
    const whileOpen = await files();
    expect(whileOpen.map((f) => f.name)).toContain("bridgeport.db-wal");
    database.close();
    const afterClose = await files();

    for (const { name, bytes } of [...whileOpen, ...afterClose]) {
      const text = bytes.toString("latin1");
      for (const value of secretValues) {
        for (const encoded of encodings(value)) {
          expect(text.includes(encoded), `${name} holds a secret (${value.slice(0, 14)}...)`).toBe(false);
        }
      }
    }
    const everything = [...whileOpen, ...afterClose].map((f) => f.bytes.toString("latin1")).join("");
    expect(everything).toContain(visibleName);
  });
});
