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
 * A closed value list as SQL literals, `'a', 'b'`, for the CHECK constraints of both schemas.
 * The values are compile-time constants from values.ts, so inlining them as literals is safe.
 */
export function literalList(values: readonly string[]): SQL {
  return sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", "));
}

/** CHECK (column IN (...)) for a closed value list. */
export function oneOf(name: string, column: SQLiteColumn, values: readonly string[]) {
  return check(name, sql`${column} IN (${literalList(values)})`);
}

/** CHECK for an optional column: NULL or one of the values. */
export function nullOrOneOf(name: string, column: SQLiteColumn, values: readonly string[]) {
  return check(name, sql`${column} IS NULL OR ${column} IN (${literalList(values)})`);
}
