import { spawn } from "node:child_process";
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { dockerApi } from "./host-docker-api.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

const APPLETS = ["sh", "sleep", "httpd", "wget", "nc", "cat", "echo", "true"] as const;

/**
 * Imports a tiny image (Debian's static busybox plus applet links, no Cmd) straight into an
 * engine, so a test can run containers without a registry: pass the command at `docker run`.
 */
export async function importBusyboxImage(
  socketPath: string,
  reference = "bridgeport-busybox:test",
): Promise<string> {
  const [repo, tag = "latest"] = reference.split(":");
  const root = await makeTempDir("busybox-rootfs");
  try {
    await mkdir(join(root, "bin"));
    await copyFile("/bin/busybox", join(root, "bin", "busybox"));
    await Promise.all(APPLETS.map((applet) => symlink("busybox", join(root, "bin", applet))));
    const tar = spawn("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", root, "-c", "."], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const query = new URLSearchParams({ fromSrc: "-", repo: repo ?? reference, tag });
    const res = await dockerApi(socketPath, "POST", `/images/create?${query}`, {
      body: tar.stdout,
      contentType: "application/x-tar",
      timeoutMs: 60_000,
    });
    // The import streams progress as JSON lines and reports failure inside them, even with 200.
    if (res.status !== 200 || res.body.includes('"error"'))
      throw new Error(`image import failed: ${res.body}`);
    return reference;
  } finally {
    await removeTempDir(root);
  }
}
