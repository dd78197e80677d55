import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../harness/base-image.js";
import { withHostLock } from "../harness/host-lock.js";
import { dockerfileBase, type ImageLab } from "./image-lab.js";

/** What the tests pass as POSTGRES_IMAGE and BALANCER_IMAGE (stand-ins/Dockerfile says why). */
export const STAND_INS = { postgres: "bridgeport-test/postgres:15", haproxy: "bridgeport-test/haproxy:2" };

const CONTEXT = new URL("./stand-ins/", import.meta.url).pathname;

/**
 * Puts the stand-in images into the lab's engine: built once per machine (apt-get from Debian's
 * mirror, about a minute) and kept as a `docker save` tarball beside the base image, keyed by
 * the build context and the base image it was built on; every later lab loads it in seconds.
 */
export async function loadStandInImages(lab: ImageLab): Promise<void> {
  // The base image's layer, not its id: each engine imports it anew, with a new creation time.
  const baseImage = await dockerfileBase();
  const base = await lab.docker(["image", "inspect", "--format", "{{json .RootFS.Layers}}", baseImage]);
  const hash = createHash("sha256").update(base.stdout);
  for (const name of (await readdir(CONTEXT)).sort())
    hash.update(name).update(await readFile(join(CONTEXT, name)));
  const dir = cacheDir();
  const tarball = join(dir, `stand-in-images-${hash.digest("hex").slice(0, 16)}.tar`);
  if (!existsSync(tarball)) {
    await mkdir(dir, { recursive: true });
    await withHostLock(
      join(dir, "stand-in-images.lock"),
      async () => {
        if (existsSync(tarball)) return;
        for (const [target, tag] of Object.entries(STAND_INS))
          await lab.docker(
            [
              "build",
              "--network",
              "host",
              "--build-arg",
              `BASE=${baseImage}`,
              "--target",
              target,
              "-t",
              tag,
              CONTEXT,
            ],
            {
              timeoutMs: 10 * 60_000,
            },
          );
        const partial = `${tarball}.${process.pid}.partial`;
        await lab.docker(["save", "-o", partial, ...Object.values(STAND_INS)], { timeoutMs: 180_000 });
        await rename(partial, tarball);
      },
      15 * 60_000,
    );
  }
  await lab.docker(["load", "-i", tarball], { timeoutMs: 180_000 });
}
