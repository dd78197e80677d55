import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countRows, openTestStore, type TestStore } from "../test-fixtures.js";

const HOUR = 3_600_000;
const idle = { idleMs: 8 * HOUR, adminToken: undefined };
let t: TestStore;

beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.database.close();
});

async function signIn(role: "read" | "deploy" | "admin" = "deploy") {
  const { token } = await t.store.apiTokens.create("ci", role);
  const made = await t.store.dashboardSessions.create({
    token: { kind: "stored", apiTokenId: token.id },
    actor: token.name,
    role,
    maxAgeMs: 24 * HOUR,
  });
  return { token, ...made };
}

describe("dashboardSessions", () => {
  it("keeps only a hash of the secret; the secret finds the session with its token's role", async () => {
    const { secret, session } = await signIn("deploy");
    expect(secret).toMatch(/^bps_[A-Za-z0-9_-]{43}$/);
    const rows = await t.database.rows(sql`SELECT * FROM dashboard_sessions`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret.slice(4));
    expect(await t.store.dashboardSessions.find(secret, idle)).toMatchObject({
      id: session.id,
      actor: "ci",
      role: "deploy",
    });
    expect(await t.store.dashboardSessions.find(`${secret}x`, idle)).toBeUndefined();
  });

  it("ends after the idle time without a request, and at the absolute end despite requests", async () => {
    const { secret } = await signIn();
    t.clock.advance(8 * HOUR - 1000);
    expect(await t.store.dashboardSessions.find(secret, idle)).toBeDefined();
    t.clock.advance(8 * HOUR - 1000);
    expect(await t.store.dashboardSessions.find(secret, idle)).toBeDefined();
    t.clock.advance(8 * HOUR + 2000);
    // 24 h after sign-in: over, though seen 8 h ago.
    expect(await t.store.dashboardSessions.find(secret, { ...idle, idleMs: 10 * HOUR })).toBeUndefined();

    const other = await signIn();
    t.clock.advance(8 * HOUR);
    expect(await t.store.dashboardSessions.find(other.secret, idle)).toBeUndefined();
    // An ended session is gone, not only refused.
    expect(await countRows(t.database, "dashboard_sessions")).toBe(0);
  });

  it("marks a session seen at most once a minute", async () => {
    const { secret } = await signIn();
    t.clock.advance(30_000);
    expect((await t.store.dashboardSessions.find(secret, idle))?.lastSeenAt).toEqual(
      new Date(t.clock.now().getTime() - 30_000),
    );
    t.clock.advance(31_000);
    expect((await t.store.dashboardSessions.find(secret, idle))?.lastSeenAt).toEqual(t.clock.now());
  });

  it("revoking the API token ends its sessions", async () => {
    const { secret, token } = await signIn();
    expect(await t.store.apiTokens.delete(token.id)).toBe(true);
    expect(await t.store.dashboardSessions.find(secret, idle)).toBeUndefined();
  });

  it("a session of the configured admin token ends when that token changes or is unset", async () => {
    const adminToken = "a".repeat(40);
    const { secret } = await t.store.dashboardSessions.create({
      token: { kind: "admin", adminToken },
      actor: "admin",
      role: "admin",
      maxAgeMs: HOUR,
    });
    const [row] = await t.database.rows(sql`SELECT admin_token_mac FROM dashboard_sessions`);
    expect(row?.admin_token_mac).toMatch(/^[0-9a-f]{64}$/);
    expect(String(row?.admin_token_mac)).not.toContain(adminToken);
    expect(await t.store.dashboardSessions.find(secret, { idleMs: HOUR, adminToken })).toMatchObject({
      role: "admin",
      apiTokenId: null,
    });
    expect(
      await t.store.dashboardSessions.find(secret, { idleMs: HOUR, adminToken: "b".repeat(40) }),
    ).toBeUndefined();
    expect(
      await t.store.dashboardSessions.find(secret, { idleMs: HOUR, adminToken: undefined }),
    ).toBeUndefined();
  });

  it("signing out deletes the session; purgeEnded deletes only ended ones", async () => {
    const first = await signIn();
    await t.store.dashboardSessions.delete(first.secret);
    expect(await t.store.dashboardSessions.find(first.secret, idle)).toBeUndefined();

    await signIn();
    t.clock.advance(9 * HOUR);
    const fresh = await signIn();
    expect(await t.store.dashboardSessions.purgeEnded(8 * HOUR)).toBe(1);
    expect(await t.store.dashboardSessions.find(fresh.secret, idle)).toBeDefined();
  });
});
