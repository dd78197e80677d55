import { runChecked } from "./command-runner.js";
import { type DigestReference, parseDigestReference } from "./digest-reference.js";
import type { DockerHost } from "./docker-host.js";
import { inspectImage } from "./docker-inspect.js";
import type { DockerLoginCredentials } from "./docker-login.js";
import { pullProgressSchema } from "./docker-schemas.js";
import { scrubSecrets } from "./scrub.js";

export class DockerPullError extends Error {
  override readonly name = "DockerPullError";
}

export interface PulledImage {
  reference: string;
  digest: string;
  imageId: string;
}

const PULL_TIMEOUT_MS = 10 * 60_000;
/** Docker Hub's server address in X-Registry-Auth, as the docker CLI sends it. */
const DOCKER_HUB_AUTH_SERVER = "https://index.docker.io/v1/";

/**
 * Pulls an image by digest. SSH servers run `docker pull` (it uses the login made before);
 * socket servers ask the Engine API directly and pass the credentials in the X-Registry-Auth
 * header of this one request, so nothing is written to disk. Only `repo@sha256:<64 hex>` is
 * accepted, and the engine must then hold exactly that digest.
 *
 * @example
 * await pullImage(host, "registry.example.com/team/web@sha256:ab12...", login)
 * // => { reference: "...", digest: "sha256:ab12...", imageId: "sha256:..." }
 */
export async function pullImage(
  host: DockerHost,
  reference: string,
  login: DockerLoginCredentials | null,
  options: { timeoutMs?: number } = {},
): Promise<PulledImage> {
  const ref = parseDigestReference(reference);
  const timeoutMs = options.timeoutMs ?? PULL_TIMEOUT_MS;
  if (host.mode === "ssh") {
    await runChecked(host.commands, ["docker", "pull", "--quiet", ref.reference], {
      timeoutMs,
      label: "docker pull",
      secrets: login === null ? [] : [login.password],
    });
  } else {
    await pullThroughEngine(host, ref, login, timeoutMs);
  }
  const image = await inspectImage(host.engine, ref.reference);
  if (image === null)
    throw new DockerPullError(`pull of ${ref.reference} finished but the image is not there`);
  return { reference: ref.reference, digest: ref.digest, imageId: image.Id };
}

async function pullThroughEngine(
  host: DockerHost,
  ref: DigestReference,
  login: DockerLoginCredentials | null,
  timeoutMs: number,
): Promise<void> {
  const secrets = login === null ? [] : [login.password];
  const headers = login === null ? undefined : { "X-Registry-Auth": registryAuthHeader(login) };
  let failure: string | undefined;
  const pulling = host.engine.streamLines(
    "POST",
    "/images/create",
    {
      query: { fromImage: ref.name, tag: ref.digest },
      timeoutMs,
      ...(headers === undefined ? {} : { headers }),
    },
    (line) => {
      // The engine answers 200 at once and reports a failed pull inside the stream.
      const progress = pullProgressSchema.safeParse(line);
      const error = progress.success
        ? (progress.data.errorDetail?.message ?? progress.data.error)
        : undefined;
      if (error !== undefined) failure ??= error;
    },
  );
  await pulling.catch((error: unknown) => {
    // The engine may also refuse before streaming (e.g. 500 for a registry that refused the login).
    failure ??= error instanceof Error ? error.message : String(error);
  });
  if (failure !== undefined)
    throw new DockerPullError(`pull of ${ref.reference} failed: ${scrubSecrets(failure, secrets)}`);
}

/**
 * The X-Registry-Auth value the Engine API takes for one pull: padded base64url of the JSON
 * `{ username, password, serveraddress }`.
 *
 * @example
 * registryAuthHeader({ server: "r.example.com", username: "u", password: "p" })
 * // => "eyJ1c2VybmFtZSI6InUiLC..."
 */
export function registryAuthHeader(login: DockerLoginCredentials): string {
  const auth = {
    username: login.username,
    password: login.password,
    serveraddress: login.server ?? DOCKER_HUB_AUTH_SERVER,
  };
  // URL-safe alphabet WITH padding: the engine decodes with Go's base64.URLEncoding, which
  // rejects unpadded input, and then silently pulls without credentials.
  return Buffer.from(JSON.stringify(auth)).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}
