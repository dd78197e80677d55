import { createHash, randomBytes } from "node:crypto";
import { asc, count, eq } from "drizzle-orm";
import { newId } from "../ids.js";
import type { TokenRole } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";

export type ApiToken = Omit<StoreTables["apiTokens"]["$inferSelect"], "tokenHash">;

export interface ApiTokenRepository {
  /** Makes a token (admin unless said otherwise); the plain value is returned once here and never stored. */
  create(name: string, role?: TokenRole): Promise<{ token: ApiToken; value: string }>;
  /** The token a presented value belongs to (marking it used), or undefined; a refusal writes nothing. */
  verify(value: string): Promise<ApiToken | undefined>;
  list(): Promise<ApiToken[]>;
  count(): Promise<number>;
  delete(id: string): Promise<boolean>;
}

/** `bp_` + 32 random bytes, base64url: long enough that a hash lookup is a safe comparison. */
export const hashToken = (value: string): string => createHash("sha256").update(value).digest("hex");

/**
 * How stale `lastUsedAt` may be. It answers "is this token still in use?", for which a minute
 * is exact enough; recording every request would make each API call a write, queued behind
 * the real work and clearing the caches that key off the store's writes.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Across processes (PostgreSQL): single-statement writes (`verify`'s lastUsedAt update is last-writer-wins). */
export function createApiTokenRepository(ctx: RepositoryContext): ApiTokenRepository {
  const { apiTokens } = ctx.tables;
  const PUBLIC = {
    id: apiTokens.id,
    name: apiTokens.name,
    role: apiTokens.role,
    createdAt: apiTokens.createdAt,
    lastUsedAt: apiTokens.lastUsedAt,
  };
  return {
    create: (name, role = "admin") =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const value = `bp_${randomBytes(32).toString("base64url")}`;
        const row = {
          id: newId(now.getTime()),
          name,
          role,
          tokenHash: hashToken(value),
          createdAt: now,
          lastUsedAt: null,
        };
        await tx.insert(apiTokens).values(row);
        const { tokenHash: _hash, ...token } = row;
        return { token, value };
      }),
    verify: async (value) => {
      const [row] = await read(ctx, (db) =>
        db
          .select(PUBLIC)
          .from(apiTokens)
          .where(eq(apiTokens.tokenHash, hashToken(value))),
      );
      if (!row) return undefined;
      const now = ctx.now();
      if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return row;
      await write(ctx, (tx) => tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)));
      return { ...row, lastUsedAt: now };
    },
    list: () => read(ctx, (db) => db.select(PUBLIC).from(apiTokens).orderBy(asc(apiTokens.createdAt))),
    count: () => read(ctx, async (db) => (await db.select({ n: count() }).from(apiTokens))[0]?.n ?? 0),
    delete: (id) =>
      write(
        ctx,
        async (tx) =>
          (await tx.delete(apiTokens).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id })).length > 0,
      ),
  };
}
