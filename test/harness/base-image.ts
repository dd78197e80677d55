import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import {
  chmod,
  copyFile,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
} from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { unmountUnder } from "./host-cleanup.js";
import { runHostCommand } from "./host-command.js";
import { withHostLock } from "./host-lock.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

// No registry of base images is reachable here, so the Dockerfile's `FROM node:20-bookworm-slim`
// is built the way that image is: Debian bookworm (debootstrap's minbase, slimmed like Debian's
// own -slim images) plus this machine's Node 20 and npm, laid out as the official image lays them
// out (/usr/local). One tarball per machine, kept outside the repository and keyed by what it was
// built from; each private engine imports it (a few seconds).

const SUITE = "bookworm";
// Raised whenever the recipe below changes, so a machine builds anew instead of reusing a tarball.
const RECIPE = 1;
// Removed from the root filesystem: what Debian's -slim images leave out, and apt's downloads.
const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const SLIMMED = ["usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "var/lib/apt/lists"];

interface BaseImage {
  /** The root filesystem as a tar, for `docker import`. */
  tarball: string;
  /** The image config `docker import --change` sets: PATH, NODE_VERSION, CMD. */
  changes: string[];
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/bridgeport`: where one-time builds are kept between runs. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "bridgeport");
}

/**
 * The base image's tarball, built once per machine (about 30 s: debootstrap fetches Debian's
 * packages) under a lock, so parallel test files wait for one build. Needs root and debootstrap
 * (scripts/setup.sh installs it).
 */
async function ensureBaseImage(): Promise<BaseImage> {
  const recipe = await baseImageRecipe();
  const dir = cacheDir();
  const tarball = join(dir, `base-image-${recipe.key}.tar`);
  if (!existsSync(tarball)) {
    await mkdir(dir, { recursive: true });
    await withHostLock(
      join(dir, "base-image.lock"),
      async () => {
        if (!existsSync(tarball)) await buildTarball(recipe, tarball);
      },
      15 * 60_000,
    );
  }
  return { tarball, changes: recipe.changes };
}

/**
 * Imports the base image into the engine at `dockerHost` as `reference` (the Dockerfile's
 * `FROM`), building its tarball first if this machine has none.
 *
 * @example
 * await importBaseImage(dockerd.dockerHost, "node:20-bookworm-slim");
 */
export async function importBaseImage(dockerHost: string, reference: string): Promise<void> {
  const base = await ensureBaseImage();
  const changes = base.changes.flatMap((change) => ["--change", change]);
  await runHostCommand(["docker", "-H", dockerHost, "import", ...changes, base.tarball, reference], {
    timeoutMs: 180_000,
  });
}

interface Recipe {
  key: string;
  changes: string[];
  npmDir: string;
  /** The CA bundle this machine trusts, added to Node's own in the image (NODE_EXTRA_CA_CERTS). */
  caBundle: string | undefined;
}

async function baseImageRecipe(): Promise<Recipe> {
  const npmDir = join(dirname(process.execPath), "..", "lib", "node_modules", "npm");
  const npm = JSON.parse(await readFile(join(npmDir, "package.json"), "utf8")) as { version: string };
  // What this machine trusts: the bundle its Node is told to add, else the system's store.
  const caBundle = [process.env.NODE_EXTRA_CA_CERTS, SYSTEM_CA_BUNDLE].find(
    (path): path is string => path !== undefined && path !== "" && existsSync(path),
  );
  const inputs = {
    recipe: RECIPE,
    suite: SUITE,
    node: await fileDigest(process.execPath),
    npm: npm.version,
    ca: caBundle === undefined ? null : { path: caBundle, digest: await fileDigest(caBundle) },
  };
  const changes = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    `ENV NODE_VERSION=${process.versions.node}`,
    // The registry is reached the way this machine reaches it, trusting what it trusts.
    ...(caBundle === undefined ? [] : [`ENV NODE_EXTRA_CA_CERTS=${caBundle}`]),
    'CMD ["node"]',
  ];
  const key = createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
  return { key, changes, npmDir, caBundle };
}

async function buildTarball(recipe: Recipe, tarball: string): Promise<void> {
  const work = await makeTempDir("base-image");
  const rootfs = join(work, "rootfs");
  try {
    await runHostCommand(["debootstrap", "--variant=minbase", SUITE, rootfs], { timeoutMs: 10 * 60_000 });
    await Promise.all(SLIMMED.map((path) => removeContents(join(rootfs, path))));
    await removeContents(join(rootfs, "var/cache/apt"), (name) => name.endsWith(".bin"));
    await removeContents(join(rootfs, "var/cache/apt/archives"), (name) => name.endsWith(".deb"));

    const node = join(rootfs, "usr/local/bin/node");
    await copyFile(process.execPath, node);
    await chmod(node, 0o755);
    await cp(recipe.npmDir, join(rootfs, "usr/local/lib/node_modules/npm"), { recursive: true });
    await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(rootfs, "usr/local/bin/npm"));
    await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(rootfs, "usr/local/bin/npx"));
    await copyMissingLibraries(process.execPath, rootfs);
    if (recipe.caBundle !== undefined) {
      await mkdir(join(rootfs, dirname(recipe.caBundle)), { recursive: true });
      await copyFile(recipe.caBundle, join(rootfs, recipe.caBundle));
    }

    const partial = `${tarball}.${process.pid}.partial`;
    await runHostCommand(["tar", "--numeric-owner", "-C", rootfs, "-cf", partial, "."], {
      timeoutMs: 5 * 60_000,
    });
    await rename(partial, tarball);
    await removeOtherTarballs(tarball);
  } finally {
    // debootstrap leaves /proc and /sys mounted in the target when it fails half-way.
    await unmountUnder(work);
    await removeTempDir(work);
  }
}

/** Copies every shared library `ldd` says `binary` loads that the root filesystem lacks. */
async function copyMissingLibraries(binary: string, rootfs: string): Promise<void> {
  const ldd = await runHostCommand(["ldd", binary]);
  const libraries = [...ldd.matchAll(/(?:=> )?(\/\S+) \(0x[0-9a-f]+\)/g)].map(([, path = ""]) => path);
  for (const library of libraries) {
    if (await presentIn(rootfs, library)) continue;
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(await realpath(library), join(rootfs, library));
  }
}

/** lstat, not stat: the root filesystem's own links point into it, not into this machine. */
function presentIn(rootfs: string, path: string): Promise<boolean> {
  return lstat(join(rootfs, path)).then(
    () => true,
    () => false,
  );
}

async function removeContents(dir: string, matches: (name: string) => boolean = () => true): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name !== "partial" && name !== "lock" && matches(name))
      .map((name) => rm(join(dir, name), { recursive: true, force: true })),
  );
}

async function removeOtherTarballs(keep: string): Promise<void> {
  const dir = dirname(keep);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (path !== keep && /^base-image-[0-9a-f]+\.tar$/.test(name)) await rm(path, { force: true });
  }
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
