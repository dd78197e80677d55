import { type SQL, sql } from "drizzle-orm";
import { check, integer, type SQLiteColumn } from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch in an INTEGER column, read back as a Date. */
export function timestamp(name: string) {
  return integer(name, { mode: "timestamp_ms" });
}

/** created_at and updated_at, both required; repositories set them from the store's clock. */
export function timestamps() {
  return {
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  };
}

/**
 * CHECK (column IN (...)) for a closed value list. The values are compile-time constants
 * from values.ts, so inlining them as literals is safe.
 */
export function oneOf(name: string, column: SQLiteColumn, values: readonly string[]) {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
  return check(name, sql`${column} IN (${sql.raw(list)})`);
}

/** CHECK for an optional column: NULL or one of the values. */
export function nullOrOneOf(name: string, column: SQLiteColumn, values: readonly string[]) {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
  const condition: SQL = sql`${column} IS NULL OR ${column} IN (${sql.raw(list)})`;
  return check(name, condition);
}
