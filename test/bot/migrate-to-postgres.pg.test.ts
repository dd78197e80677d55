import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCipher, createStore, openLibsqlDatabase, type Store } from "@bridgeport/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDatabase } from "../../bot/src/database-lock.js";
import {
  countRows,
  openTestDatabase,
  STORE_TABLE_NAMES,
  testPostgresUrl,
} from "../../core/src/store/test-fixtures.js";
import { startProcess, waitUntil } from "../harness/index.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// `pnpm migrate-to-postgres` as a person runs it (its own process), from a populated embedded
// database into this file's PostgreSQL database, then the bot on PostgreSQL with the same key.
const root = fileURLToPath(new URL("../../", import.meta.url));
const command = join(root, "bot/src/commands/migrate-to-postgres.ts");
const masterKey = randomBytes(32);

let dataDir: string;
let sourceFile: string;
let seeded: Awaited<ReturnType<typeof populate>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-migrate-"));
  sourceFile = join(dataDir, "bridgeport.db");
  await (await openTestDatabase()).close();
  seeded = await withSource(populate);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function withSource<T>(task: (store: Store) => Promise<T>): Promise<T> {
  const database = await openLibsqlDatabase({ url: `file:${sourceFile}` });
  try {
    return await task(createStore(database, { cipher: createCipher(masterKey) }));
  } finally {
    await database.close();
  }
}

/** A store with a row in every table: what a real installation has after a while. */
async function populate(store: Store) {
  const environment = await store.environments.create({
    name: "production",
    autoPruneImages: true,
    signaturePolicy: "warn",
  });
  await store.environments.create({ name: "staging" });
  const registry = await store.registries.create({
    environmentId: environment.id,
    name: "harbor",
    type: "generic",
    registryUrl: "https://harbor.example.test",
    isDefault: true,
    secrets: { username: "deploy", password: "password-version-1" },
  });
  await store.registries.saveCredentials(registry.id, { username: "deploy", password: "password-version-2" });
  await store.registries.saveCredentials(registry.id, { token: "token-version-3" });
  await store.registries.activateVersion(registry.id, 2);
  const image = await store.images.create({
    environmentId: environment.id,
    name: "api",
    imageName: "harbor.example.test/team/api",
    registryConnectionId: registry.id,
    autoUpdate: true,
    tagFilter: "v*.*.*",
    signaturePolicy: "enforce",
  });
  await store.digests.upsertMany(image.id, [
    {
      manifestDigest: `sha256:${"a".repeat(64)}`,
      mediaType: "application/vnd.oci.image.index.v1+json",
      configDigest: null,
      tags: ["v1.0.0", "latest"],
      size: 3_000_000_000,
      pushedAt: new Date("2026-03-01T10:00:00.123Z"),
      pushedAtSource: "registry",
      platforms: [
        {
          os: "linux",
          architecture: "amd64",
          variant: null,
          digest: `sha256:${"b".repeat(64)}`,
          size: 1_500,
        },
        {
          os: "linux",
          architecture: "arm64",
          variant: "v8",
          digest: `sha256:${"c".repeat(64)}`,
          size: 1_600,
        },
      ],
    },
    {
      manifestDigest: `sha256:${"d".repeat(64)}`,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      configDigest: `sha256:${"e".repeat(64)}`,
      tags: ["v1.1.0"],
      size: 2_048,
      pushedAt: new Date("2026-03-02T10:00:00.456Z"),
      pushedAtSource: "config",
    },
  ]);
  const digests = await store.digests.listForImage(image.id);
  const [newer, older] = digests;
  await store.images.update(image.id, {
    deployedDigestId: older?.id ?? null,
    latestDigestId: newer?.id ?? null,
    latestTag: "v1.1.0",
    updateAvailable: true,
    lastCheckedAt: new Date("2026-03-02T11:00:00.789Z"),
  });
  const server = await store.servers.create({
    environmentId: environment.id,
    name: "web-1",
    mode: "ssh",
    host: "10.0.0.5",
    port: 2222,
    username: "deploy",
    auth: { kind: "key", secret: "-----BEGIN OPENSSH PRIVATE KEY-----\nserver-secret\n" },
    hostKeyFingerprint: "SHA256:abc",
  });
  await store.servers.create({
    environmentId: environment.id,
    name: "local",
    mode: "socket",
    socketPath: "/run/docker.sock",
  });
  const api = await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "api",
    containerName: "api",
    healthCheck: {
      kind: "http",
      url: "http://127.0.0.1:8080/",
      timeoutMs: 5_000,
      intervalMs: 2_000,
      retries: 10,
    },
    deployedDigest: older?.manifestDigest ?? null,
  });
  const worker = await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "worker",
    containerName: "worker",
  });
  await store.services.setDependencies(worker.id, [api.id]);
  await store.registryLogins.record({
    serverId: server.id,
    registryConnectionId: registry.id,
    credentialVersion: 2,
    loggedInAt: new Date(),
  });
  const { plan, steps } = await store.plans.create({
    environmentId: environment.id,
    containerImageId: image.id,
    imageDigestId: newer?.id ?? null,
    targetDigest: newer?.manifestDigest ?? "",
    targetTag: "v1.1.0",
    autoRollback: true,
    trigger: "pr_comment",
    triggeredBy: "octocat",
    triggerContext: { repository: "team/api", pullRequest: 7, jobId: "job-1" },
    plan: { levels: [[api.id], [worker.id]], note: "nested", numbers: [1, 2.5] },
    steps: [
      { serviceId: api.id, level: 0, position: 0, toDigest: newer?.manifestDigest ?? "" },
      { serviceId: worker.id, level: 1, position: 0, toDigest: newer?.manifestDigest ?? "" },
    ],
  });
  await store.plans.updateStep(steps[0]?.id ?? "", {
    status: "success",
    health: "healthy",
    durationMs: 1234,
  });
  await store.plans.appendStepLog(steps[0]?.id ?? "", "pulled\nstarted\n");
  const signature = {
    policy: "enforce" as const,
    status: "verified" as const,
    keyId: "key-1",
    keyName: "release",
    kind: "cosign" as const,
    reason: null,
    checkedAt: "2026-03-02T11:59:00.000Z",
  };
  await store.plans.update(plan.id, {
    status: "success",
    finishedAt: new Date("2026-03-02T12:00:00.000Z"),
    signature,
  });
  await store.planEvents.append(plan.id, { type: "plan", planId: plan.id, status: "success" });
  await store.locks.acquire({ scopes: ["environment:production"], holder: "octocat", reason: "/lock" });
  await store.history.record({
    containerImageId: image.id,
    planId: plan.id,
    tag: "v1.1.0",
    digest: newer?.manifestDigest ?? "",
    status: "success",
    deployedAt: new Date("2026-03-02T12:00:00.000Z"),
    deployedBy: "octocat",
    totalDurationMs: 98_765,
    services: [{ id: api.id, name: "api", serverName: "web-1" }],
    signature,
  });
  // Due long after the test: the bot started on the copy must not run them and change the data.
  const later = new Date("2036-01-01T00:00:00.000Z");
  await store.jobs.enqueue({
    kind: "sync-image",
    payload: { imageId: image.id },
    dedupeKey: "schedule:1",
    runAt: later,
  });
  await store.webhookDeliveries.ingest({
    source: "distribution",
    deliveryKey: "event-1",
    pushes: [{ host: "harbor.example.test", repository: "team/api", tag: "v1.1.0", digest: null }],
    jobs: [
      { kind: "sync-image", payload: { imageId: image.id }, dedupeKey: "webhook:event-1", runAt: later },
    ],
  });
  const token = await store.apiTokens.create("ci", "deploy");
  await store.githubRepositories.create({
    repository: "Team/API",
    images: ["harbor.example.test/team/api"],
    defaultEnvironment: "staging",
    environments: ["staging", "production"],
  });
  const dashboard = await store.dashboardSessions.create({
    token: { kind: "stored", apiTokenId: token.token.id },
    actor: "ci",
    role: "deploy",
    maxAgeMs: 100 * 365 * 24 * 3_600_000,
  });
  await store.registrySyncHealth.record(registry.id, { ok: false, error: "registry unreachable" }, 3);
  const channel = await store.notificationChannels.create({
    environmentId: environment.id,
    name: "ops",
    kind: "webhook",
    events: ["update_available", "plan_failed"],
    target: { kind: "webhook", host: "hooks.example.test" },
    secrets: { url: "https://hooks.example.test/channel-secret-path", secret: "channel-signing-secret" },
  });
  await store.notificationChannels.create({
    environmentId: environment.id,
    name: "mail",
    kind: "email",
    events: ["plan_failed"],
    enabled: false,
    target: {
      kind: "email",
      host: "smtp.example.test",
      port: 587,
      security: "starttls",
      username: "bot",
      from: "bot@example.test",
      to: ["ops@example.test"],
      caCertificate: null,
    },
    secrets: { password: "smtp-password" },
  });
  await store.notificationDeliveries.recordTest(channel.id, "ntest_1", {
    kind: "failed",
    error: "HTTP 500",
    status: 500,
  });
  await store.notificationDeliveries.record(
    {
      kind: "update_available",
      environmentId: environment.id,
      imageId: image.id,
      name: "api",
      image: image.imageName,
      tag: "v1.1.0",
      digest: newer?.manifestDigest ?? "",
      autoDeploy: true,
    },
    { foldWindowMs: 100 * 365 * 24 * 3_600_000 },
  );
  const key = await store.signingKeys.add({
    environmentId: environment.id,
    name: "release",
    algorithm: "ecdsa-p256",
    publicKeyPem:
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
    fingerprint: "f".repeat(64),
    createdBy: "octocat",
  });
  await store.signatureVerifications.save({
    containerImageId: image.id,
    manifestDigest: newer?.manifestDigest ?? "",
    keySet: "keyset-1",
    status: "verified",
    keyId: key.id,
    keyName: key.name,
    kind: "cosign",
    reason: null,
    checkedAt: new Date("2026-03-02T11:59:00.000Z"),
  });
  return {
    environment,
    registry,
    image,
    server,
    plan,
    token: token.value,
    dashboardSecret: dashboard.secret,
    tokenId: token.token.id,
  };
}

/** Everything the store can say, with every secret decrypted: equal on both sides after the copy. */
async function everything(store: Store) {
  const registries = await store.registries.list();
  const images = await store.images.list();
  const servers = await store.servers.list();
  const plans = await store.plans.list();
  const environments = await store.environments.list();
  const channels = await store.notificationChannels.list();
  return {
    environments,
    registries,
    credentials: await Promise.all(
      registries.map(async (r) => ({
        versions: await store.registries.listCredentialVersions(r.id),
        active: await store.registries.getSecrets(r.id),
      })),
    ),
    images,
    digests: await Promise.all(images.map((i) => store.digests.listForImage(i.id))),
    history: await Promise.all(images.map((i) => store.history.listForImage(i.id))),
    servers,
    serverSecrets: await Promise.all(servers.map((s) => store.servers.getSecret(s.id))),
    services: await store.services.list(),
    dependencies: await store.services.listDependencies(),
    logins: await store.registryLogins.list(),
    plans: await Promise.all(plans.map((p) => store.plans.getWithSteps(p.id))),
    locks: await store.locks.list(),
    jobs: await store.jobs.list(),
    deliveries: await store.webhookDeliveries.list(),
    tokens: await store.apiTokens.list(),
    github: await store.githubRepositories.list(),
    channels,
    channelSecrets: await Promise.all(channels.map((c) => store.notificationChannels.getSecrets(c.id))),
    notifications: await Promise.all(channels.map((c) => store.notificationDeliveries.list(c.id))),
    signingKeys: await Promise.all(environments.map((e) => store.signingKeys.list(e.id))),
    signingKeyEvents: await Promise.all(environments.map((e) => store.signingKeys.events(e.id))),
    signatures: await Promise.all(images.map((i) => store.signatureVerifications.listForImage(i.id))),
  };
}

async function runCommand(env: Record<string, string>) {
  const child = startProcess({
    name: "migrate-to-postgres",
    argv: [process.execPath, "--import", "tsx", command],
    cwd: root,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", BRIDGEPORT_DATA_DIR: dataDir, ...env },
  });
  const exit = await waitUntil(() => child.exitStatus() ?? undefined, {
    what: "the command to exit",
    timeoutMs: 60_000,
  });
  await child.exited;
  return { code: exit.code, output: child.output() };
}

describe("pnpm migrate-to-postgres", () => {
  let lab: BotLab | undefined;
  afterAll(async () => {
    await lab?.stop();
  });

  it("refuses while a bot holds the embedded database, and changes nothing", async () => {
    const lock = await lockDatabase(sourceFile);
    if (!lock.ok) throw new Error("could not take the lock for the test");
    try {
      const { code, output } = await runCommand({ TARGET_DATABASE_URL: testPostgresUrl() });
      expect(code).toBe(1);
      expect(output).toContain(
        `A Bridgeport bot (PID ${process.pid}) uses ${sourceFile}: stop it before copying it to PostgreSQL`,
      );
    } finally {
      await lock.release();
    }
    const target = await openTestDatabase();
    expect(await countRows(target, "environments")).toBe(0);
    await target.close();
  });

  it("copies every table in one transaction, with a line per table and a count per table", async () => {
    const { code, output } = await runCommand({ TARGET_DATABASE_URL: testPostgresUrl() });
    expect(code).toBe(0);
    for (const [table, rows] of [
      ["environments", 2],
      ["registry_credentials", 3],
      ["image_digests", 2],
      ["image_digest_platforms", 2],
      ["servers", 2],
      ["services", 2],
      ["deployment_steps", 2],
      ["jobs", 3],
      ["notification_deliveries", 2],
      ["signing_key_events", 1],
      ["locks", 1],
    ] as const) {
      expect(output).toContain(`  ${table}: ${rows} row(s)`);
      expect(output).toContain(`  ${table}: ${rows}\n`);
    }
    // Every table of the store is copied, and every one has rows here (the populated source).
    for (const table of STORE_TABLE_NAMES) {
      expect(output).toMatch(new RegExp(`  ${table}: [1-9]\\d* row\\(s\\)`));
    }
    expect(output).toContain("in one transaction");
    for (const secret of [
      "password-version",
      "channel-secret-path",
      "channel-signing-secret",
      "smtp-password",
    ]) {
      expect(output).not.toContain(secret);
    }
  });

  it("leaves a bot on PostgreSQL, with the same key, reading the same data and decrypting every secret", async () => {
    const before = await withSource(everything);
    lab = await startBotLab({
      DATABASE_URL: testPostgresUrl(),
      BRIDGEPORT_MASTER_KEY: masterKey.toString("hex"),
    });
    const after = await everything(lab.bot.deps.store);
    expect(after).toEqual(before);
    expect(after.credentials[0]?.active).toEqual({
      version: 2,
      secrets: { username: "deploy", password: "password-version-2" },
    });
    expect(after.digests[0]?.[1]).toMatchObject({ size: 3_000_000_000, platforms: [{}, {}] });
    expect(after.channelSecrets).toContainEqual({
      url: "https://hooks.example.test/channel-secret-path",
      secret: "channel-signing-secret",
    });
    expect(
      after.notifications
        .flat()
        .map((d) => d.status)
        .sort(),
    ).toEqual(["failed", "queued"]);
    expect(after.signatures[0]).toHaveLength(1);
    // A dashboard sign-in made before the move is still signed in (only its secret's hash was copied).
    expect(
      await lab.bot.deps.store.dashboardSessions.find(seeded.dashboardSecret, {
        idleMs: 100 * 365 * 24 * 3_600_000,
        adminToken: undefined,
      }),
    ).toMatchObject({ actor: "ci", role: "deploy", apiTokenId: seeded.tokenId });
    // A token made before the move still signs in, with its role.
    const res = await fetch(`${lab.url}/api/environments`, {
      headers: { authorization: `Bearer ${seeded.token}` },
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { environments: { name: string }[] }).environments.map((e) => e.name),
    ).toEqual(["production", "staging"]);
    // While a bot runs on it, the copy is refused before it looks at the target.
    const refused = await runCommand({ TARGET_DATABASE_URL: testPostgresUrl() });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      "A Bridgeport bot uses the PostgreSQL database postgres://bp@127.0.0.1:",
    );
    expect(refused.output).toContain("stop every bot (each replica) before copying into it");
    await lab.stop();
    lab = undefined;
  });

  it("refuses a target that is not empty, naming a table with rows", async () => {
    const { code, output } = await runCommand({ TARGET_DATABASE_URL: testPostgresUrl() });
    expect(code).toBe(1);
    expect(output).toMatch(/is not empty \(table environments has rows\): copy into an empty database/);
  });
});
