/** Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than the embedded libsql file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The filesystem path of a `file:` database URL; undefined for in-memory and PostgreSQL databases.
 *
 * @example
 * databaseFilePath("file:/var/lib/bridgeport/bridgeport.db"); // "/var/lib/bridgeport/bridgeport.db"
 * databaseFilePath(":memory:"); // undefined
 */
export function databaseFilePath(url: string): string | undefined {
  if (url === ":memory:" || !url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).split("?")[0] ?? "";
  if (rest === ":memory:" || rest === "") return undefined;
  return rest.startsWith("///") ? rest.slice(2) : rest;
}

/**
 * The database URL as a message or log line may show it: a PostgreSQL URL without its
 * password or query parameters (which may hold one too), a file URL as its path.
 *
 * @example
 * describeDatabaseUrl("postgres://bot:s3cret@db.internal:5432/bridgeport?sslmode=require");
 * // "postgres://bot@db.internal:5432/bridgeport"
 */
export function describeDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url)) return databaseFilePath(url) ?? url;
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${parsed.username}@` : "";
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return "(a PostgreSQL URL that does not parse)";
  }
}
