export const imageVerdicts = ["healthy", "unhealthy"] as const;
/** What the stand-in kubelet makes of a container running an image. */
export type ImageVerdict = (typeof imageVerdicts)[number];

/** A test's word on one image: a whole reference (`repo:tag`, `repo@sha256:...`) or a bare digest. */
export interface ImageDeclaration {
  match: string;
  verdict: ImageVerdict;
  /** The digest a tag reference resolves to, reported as the container's `imageID`. */
  digest?: string;
}

/** How the stand-in reports one container. */
export interface ContainerVerdict {
  verdict: ImageVerdict;
  /** `docker-pullable://<repo>@<digest>`, as a kubelet on the Docker runtime reports it. */
  imageID: string;
}

const digestPattern = /^sha256:[0-9a-f]{64}$/;

/**
 * Checks a declaration: a tag names no digest, so declaring one needs `digest`, which the pods
 * then report as their `imageID` (discovery reads the running digest from there).
 *
 * @example
 * declareImage("127.0.0.1:5000/web:1", "healthy", { digest: "sha256:..." });
 */
export function declareImage(
  match: string,
  verdict: ImageVerdict,
  options: { digest?: string } = {},
): ImageDeclaration {
  const { digest } = options;
  if (digest !== undefined && !digestPattern.test(digest)) {
    throw new Error(
      `kubelet.${verdict}(${JSON.stringify(match)}): digest must be sha256:<64 hex>, got ${digest}`,
    );
  }
  if (!digestPattern.test(match) && digestOf(match) === undefined && digest === undefined) {
    throw new Error(
      `kubelet.${verdict}(${JSON.stringify(match)}): a tag names no digest; pass { digest } for the imageID the pods report`,
    );
  }
  return { match, verdict, ...(digest === undefined ? {} : { digest }) };
}

/**
 * The latest declaration that covers `image` (a container's `image` field), or undefined when
 * the test said nothing about it.
 *
 * @example
 * verdictFor([declareImage("sha256:ab...", "healthy")], "127.0.0.1:5000/web@sha256:ab...");
 * // { verdict: "healthy", imageID: "docker-pullable://127.0.0.1:5000/web@sha256:ab..." }
 */
export function verdictFor(
  declarations: readonly ImageDeclaration[],
  image: string,
): ContainerVerdict | undefined {
  const declared = declarations.findLast((declaration) =>
    digestPattern.test(declaration.match)
      ? digestOf(image) === declaration.match
      : image === declaration.match,
  );
  if (declared === undefined) return undefined;
  const digest = digestOf(image) ?? declared.digest ?? declared.match;
  return { verdict: declared.verdict, imageID: `docker-pullable://${repositoryOf(image)}@${digest}` };
}

function digestOf(image: string): string | undefined {
  const at = image.lastIndexOf("@");
  return at >= 0 ? image.slice(at + 1) : undefined;
}

// `host:port/repo:tag@digest` -> `host:port/repo`: a tag's colon comes after the last slash.
function repositoryOf(image: string): string {
  const name = image.split("@")[0] ?? image;
  const colon = name.lastIndexOf(":");
  return colon > name.lastIndexOf("/") ? name.slice(0, colon) : name;
}
