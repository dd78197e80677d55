import { readFileSync } from "node:fs";
import { buildImage, gzipLayer, type LayerBlob, type Platform } from "./image-build.js";
import { defaultCreated, type PushedImage, pushBuiltImage } from "./image-fixtures.js";
import { createPushClient, type PushTarget } from "./oci-push.js";
import { makeTar, type TarEntry } from "./tar.js";

const busyboxPath = "/bin/busybox"; // Debian busybox-static: no libraries needed in the image
const applets = ["sh", "ash", "cat", "echo", "env", "false", "grep", "hostname", "httpd", "id", "kill", "ls"];
const moreApplets = ["mkdir", "nc", "ps", "rm", "sleep", "test", "true", "wget"];

export interface HealthcheckOptions {
  /** Docker form, e.g. ["CMD-SHELL", "wget -q --spider http://127.0.0.1:$PORT/"]. */
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

export interface RunnableImageOptions {
  /** Served as /www/index.html (followed by a newline) and set as APP_VERSION. */
  version: string;
  /** The port httpd listens on, through `PORT` in the config's Env; default 8080. */
  port?: number;
  /** "passing" probes the web server, "failing" always fails; default none. */
  healthcheck?: "passing" | "failing" | HealthcheckOptions;
  /** Extra environment, after PATH, PORT and APP_VERSION. */
  env?: Record<string, string>;
}

export interface RunnableImage extends PushedImage {
  version: string;
  port: number;
}

let baseLayer: LayerBlob | undefined;

// busybox plus its applet links, shared by every version so it is uploaded once per repository.
function busyboxLayer(): LayerBlob {
  if (baseLayer) return baseLayer;
  const entries: TarEntry[] = [
    { type: "dir", name: "bin" },
    { type: "file", name: "bin/busybox", mode: 0o755, content: readFileSync(busyboxPath) },
    ...[...applets, ...moreApplets].map(
      (name): TarEntry => ({ type: "symlink", name: `bin/${name}`, target: "busybox" }),
    ),
    { type: "dir", name: "etc" },
    { type: "file", name: "etc/passwd", content: Buffer.from("root:x:0:0:root:/:/bin/sh\n") },
    { type: "dir", name: "tmp", mode: 0o1777 },
  ];
  baseLayer = gzipLayer(makeTar(entries));
  return baseLayer;
}

function healthcheckConfig(option: RunnableImageOptions["healthcheck"]): Record<string, unknown> | undefined {
  if (option === undefined) return undefined;
  const probe = ["CMD-SHELL", 'wget -q --spider "http://127.0.0.1:$PORT/" || exit 1'];
  const spec: HealthcheckOptions =
    option === "passing"
      ? { test: probe }
      : option === "failing"
        ? { test: ["CMD-SHELL", "exit 1"] }
        : option;
  const ns = (ms: number) => ms * 1_000_000;
  return {
    Test: spec.test ?? probe,
    Interval: ns(spec.intervalMs ?? 1_000),
    Timeout: ns(spec.timeoutMs ?? 2_000),
    Retries: spec.retries ?? 3,
    ...(spec.startPeriodMs === undefined ? {} : { StartPeriod: ns(spec.startPeriodMs) }),
  };
}

function hostPlatform(): Platform {
  const architecture = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch];
  if (architecture === undefined) throw new Error(`no runnable image for ${process.arch}`);
  return { os: "linux", architecture };
}

/**
 * Pushes a real, runnable Docker v2 image for deploy tests: busybox serving `/www` with
 * `httpd` on `$PORT` (config Env, default 8080), `index.html` holding `version`, and
 * optionally a Docker HEALTHCHECK that passes or always fails. Run it with host networking.
 *
 * @example
 * const image = await runnableImage(registry, "team/web", "v1", { version: "v1", port: 18080, healthcheck: "passing" });
 * // docker run -d --network host <host>/team/web@<image.digest>; curl 127.0.0.1:18080 -> "v1\n"
 */
export async function runnableImage(
  target: PushTarget,
  repo: string,
  tag: string,
  options: RunnableImageOptions,
): Promise<RunnableImage> {
  const port = options.port ?? 8080;
  const platform = hostPlatform();
  const site = gzipLayer(
    makeTar([
      { type: "dir", name: "www" },
      { type: "file", name: "www/index.html", content: Buffer.from(`${options.version}\n`) },
    ]),
  );
  const env = { PATH: "/bin", PORT: String(port), APP_VERSION: options.version, ...options.env };
  const healthcheck = healthcheckConfig(options.healthcheck);
  const image = buildImage({
    format: "docker",
    platform,
    created: defaultCreated,
    containerConfig: {
      Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
      Cmd: ["/bin/sh", "-c", 'exec httpd -f -p "$PORT" -h /www'],
      WorkingDir: "/",
      // busybox httpd as PID 1 has no SIGTERM handler, so `docker stop` would wait out its
      // timeout on every container swap; a test image may simply be killed.
      StopSignal: "SIGKILL",
      Labels: { "org.bridgeport.test.version": options.version },
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    },
    layers: [busyboxLayer(), site],
  });
  const pushed = await pushBuiltImage(createPushClient(target), repo, tag, image, {
    created: defaultCreated,
    platform,
  });
  return { ...pushed, version: options.version, port };
}
