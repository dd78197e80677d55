import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq, lte, or } from "drizzle-orm";
import { newId } from "../ids.js";
import type { TokenRole } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { hashToken } from "./api-tokens.js";
import { type RepositoryContext, read, write } from "./context.js";

export type DashboardSession = Omit<
  StoreTables["dashboardSessions"]["$inferSelect"],
  "secretHash" | "adminTokenMac"
>;

/** Which token signed in: a stored API token (by id), or the configured admin token itself. */
export type SessionToken = { kind: "stored"; apiTokenId: string } | { kind: "admin"; adminToken: string };

export interface NewDashboardSession {
  token: SessionToken;
  actor: string;
  role: TokenRole;
  /** The absolute lifetime, from now. */
  maxAgeMs: number;
}

export interface SessionLookup {
  /** How long a session lives without a request. */
  idleMs: number;
  /** The configured admin token now: a session made with another one has ended. */
  adminToken: string | undefined;
}

export interface DashboardSessionRepository {
  /** Starts a session; the secret (the cookie's value) is returned once here and only its hash kept. */
  create(input: NewDashboardSession): Promise<{ session: DashboardSession; secret: string }>;
  /**
   * The live session a presented secret belongs to, or undefined. Marks it seen at most once a
   * minute; a session past its idle or absolute end is deleted.
   */
  find(secret: string, lookup: SessionLookup): Promise<DashboardSession | undefined>;
  /** Signs out: deletes the session the secret belongs to (nothing when there is none). */
  delete(secret: string): Promise<void>;
  /** Deletes every session that has ended; returns how many. */
  purgeEnded(idleMs: number): Promise<number>;
}

/** Like API tokens' lastUsedAt: a minute is exact enough for an idle timeout of hours. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

const publicColumns = ({ dashboardSessions }: StoreTables) => ({
  id: dashboardSessions.id,
  apiTokenId: dashboardSessions.apiTokenId,
  actor: dashboardSessions.actor,
  role: dashboardSessions.role,
  createdAt: dashboardSessions.createdAt,
  lastSeenAt: dashboardSessions.lastSeenAt,
  expiresAt: dashboardSessions.expiresAt,
});

const adminMac = (secret: string, adminToken: string) =>
  createHmac("sha256", secret).update(adminToken).digest();

/**
 * Across processes (PostgreSQL): every method is single statements (an insert under the unique
 * secret hash, a read, then at most one delete or update by id, which another process doing
 * the same repeats harmlessly).
 */
export function createDashboardSessionRepository(ctx: RepositoryContext): DashboardSessionRepository {
  const { dashboardSessions } = ctx.tables;
  const PUBLIC = publicColumns(ctx.tables);
  const ended = (session: { lastSeenAt: Date; expiresAt: Date }, idleMs: number, now: Date) =>
    now >= session.expiresAt || now.getTime() - session.lastSeenAt.getTime() >= idleMs;
  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const secret = `bps_${randomBytes(32).toString("base64url")}`;
        const row = {
          id: newId(now.getTime()),
          apiTokenId: input.token.kind === "stored" ? input.token.apiTokenId : null,
          actor: input.actor,
          role: input.role,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(now.getTime() + input.maxAgeMs),
        };
        const adminTokenMac =
          input.token.kind === "admin" ? adminMac(secret, input.token.adminToken).toString("hex") : null;
        await tx.insert(dashboardSessions).values({ ...row, secretHash: hashToken(secret), adminTokenMac });
        return { session: row, secret };
      }),
    find: async (secret, lookup) => {
      const [row] = await read(ctx, (db) =>
        db
          .select({ ...PUBLIC, adminTokenMac: dashboardSessions.adminTokenMac })
          .from(dashboardSessions)
          .where(eq(dashboardSessions.secretHash, hashToken(secret))),
      );
      if (!row) return undefined;
      const { adminTokenMac, ...session } = row;
      const now = ctx.now();
      if (ended(session, lookup.idleMs, now)) {
        await write(ctx, (tx) => tx.delete(dashboardSessions).where(eq(dashboardSessions.id, session.id)));
        return undefined;
      }
      if (adminTokenMac !== null) {
        const stored = Buffer.from(adminTokenMac, "hex");
        const expected = lookup.adminToken === undefined ? undefined : adminMac(secret, lookup.adminToken);
        if (expected?.length !== stored.length || !timingSafeEqual(expected, stored)) return undefined;
      }
      if (now.getTime() - session.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS) return session;
      await write(ctx, (tx) =>
        tx.update(dashboardSessions).set({ lastSeenAt: now }).where(eq(dashboardSessions.id, session.id)),
      );
      return { ...session, lastSeenAt: now };
    },
    delete: (secret) =>
      write(ctx, async (tx) => {
        await tx.delete(dashboardSessions).where(eq(dashboardSessions.secretHash, hashToken(secret)));
      }),
    purgeEnded: (idleMs) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const deleted = await tx
          .delete(dashboardSessions)
          .where(
            or(
              lte(dashboardSessions.expiresAt, now),
              lte(dashboardSessions.lastSeenAt, new Date(now.getTime() - idleMs)),
            ),
          )
          .returning({ id: dashboardSessions.id });
        return deleted.length;
      }),
  };
}
