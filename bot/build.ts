import { existsSync } from "node:fs";
import { cp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// `pnpm build:release [dir]`: the bot as a release directory that runs with `node` alone, no
// pnpm, tsx or dev dependency (the container image and the systemd unit run it):
//   server.mjs, rotate-master-key.mjs  the bundled entry points
//   wal-checkpointer.worker.mjs        the checkpoint thread, which server.mjs finds beside itself
//   drizzle/, drizzle-pg/              the migrations of each engine, found the same way
//                                      (core/src/store/migrations-folder.ts)
//   assets/                            the dashboard's script and style sheet, found the same way
//                                      (bot/src/dashboard/assets.ts)
//   node_modules/                      libsql and its native binary for this platform, the one
//                                      dependency a bundle cannot hold
// ssh2's optional native crypto and cpu-features are left out: ssh2 falls back to Node's crypto.

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Builds the release directory `outDir` from this checkout. A directory that is there already
 * is replaced only if it is empty or an earlier release: a mistyped path is never wiped.
 */
export async function buildRelease(outDir: string): Promise<void> {
  const present = await readdir(outDir).catch(() => [] as string[]);
  if (present.length > 0 && !present.includes("server.mjs")) {
    throw new Error(`${outDir} is neither empty nor a Bridgeport release: give a new or empty directory`);
  }
  await rm(outDir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: {
      server: "bot/src/server.ts",
      "rotate-master-key": "bot/src/commands/rotate-master-key.ts",
      "wal-checkpointer.worker": "core/src/store/sqlite/wal-checkpointer.worker.mjs",
    },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    external: ["libsql", "cpu-features", "*.node"],
    legalComments: "inline",
    logLevel: "warning",
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins, and
    // ssh2 reads __dirname when it loads.
    banner: {
      js: [
        'import { createRequire as __createRequire } from "node:module";',
        'import { dirname as __pathDirname } from "node:path";',
        'import { fileURLToPath as __fileURLToPath } from "node:url";',
        "const require = __createRequire(import.meta.url);",
        "const __filename = __fileURLToPath(import.meta.url);",
        "const __dirname = __pathDirname(__filename);",
      ].join("\n"),
    },
  });
  for (const migrations of ["drizzle", "drizzle-pg"]) {
    await cp(join(root, "core", migrations), join(outDir, migrations), { recursive: true });
  }
  await cp(join(root, "bot/src/dashboard/assets"), join(outDir, "assets"), { recursive: true });
  // libsql, the native binding @libsql/client loads, is the one package a bundle cannot hold.
  const libsqlClient = await installedPackage("@libsql/client", join(root, "core"));
  await copyWithDependencies("libsql", libsqlClient, outDir, new Map());
}

/**
 * Copies package `name`, as Node resolves it from `fromDir`, and every dependency it resolves
 * (optional ones only where installed: the native binary of this platform) into one flat
 * `<outDir>/node_modules`. Two versions of one name cannot share a flat folder: that fails.
 */
async function copyWithDependencies(
  name: string,
  fromDir: string,
  outDir: string,
  copied: Map<string, string>,
): Promise<void> {
  const source = await installedPackage(name, fromDir);
  const manifest = JSON.parse(await readFile(join(source, "package.json"), "utf8")) as {
    version: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const seen = copied.get(name);
  if (seen !== undefined) {
    if (seen !== manifest.version) throw new Error(`${name} is needed at ${seen} and ${manifest.version}`);
    return;
  }
  copied.set(name, manifest.version);
  await cp(source, join(outDir, "node_modules", name), { recursive: true, dereference: true });
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    await copyWithDependencies(dependency, source, outDir, copied);
  }
  for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) {
    if (findPackage(dependency, source) !== undefined) {
      await copyWithDependencies(dependency, source, outDir, copied);
    }
  }
}

/** The real directory of package `name` as Node finds it from `fromDir`. */
async function installedPackage(name: string, fromDir: string): Promise<string> {
  const dir = findPackage(name, fromDir);
  if (dir === undefined) throw new Error(`${name} is not installed beside ${fromDir}: run pnpm install`);
  return realpath(dir);
}

function findPackage(name: string, fromDir: string): string | undefined {
  const lookIn = createRequire(join(fromDir, "package.json")).resolve.paths(name) ?? [];
  return lookIn
    .map((nodeModules) => join(nodeModules, name))
    .find((dir) => existsSync(join(dir, "package.json")));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildRelease(process.argv[2] ?? join(root, "dist"));
}
