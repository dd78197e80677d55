import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The directory of one engine's migrations (`drizzle`: libsql, `drizzle-pg`: PostgreSQL),
 * resolved from this module, not the working directory, so every entry point finds it:
 * core/<name> from the sources, or <name>/ beside the release bundle that inlines this module
 * (bot/build.ts).
 */
export function migrationsFolder(name: "drizzle" | "drizzle-pg"): string {
  const bundled = new URL(`./${name}`, import.meta.url);
  return fileURLToPath(existsSync(bundled) ? bundled : new URL(`../../${name}`, import.meta.url));
}
