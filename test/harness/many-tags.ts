import { mapWithConcurrency } from "./concurrency.js";
import { buildImage, sharedFixtureLayer } from "./image-build.js";
import { fixtureConfig, type ImageOptions, type PushedImage, pushBuiltImage } from "./image-fixtures.js";
import { createPushClient, type PushTarget } from "./oci-push.js";

export interface ManyTagsOptions extends Omit<ImageOptions, "seed"> {
  /** Manifest PUTs in flight; default 16. */
  concurrency?: number;
  /** Tag names are `<prefix><zero-padded index>`; default "t-". */
  prefix?: string;
}

/**
 * Pushes `count` tags quickly, each with its own digest: the config and layer are uploaded
 * once, then manifests that differ only by an annotation are PUT with bounded concurrency.
 * Tags sort lexically in push order (`t-0000`, `t-0001`, ...).
 *
 * @example
 * const pushed = await pushManyTags(registry, "team/many", 1_500, { concurrency: 16 });
 */
export async function pushManyTags(
  target: PushTarget,
  repo: string,
  count: number,
  options: ManyTagsOptions = {},
): Promise<PushedImage[]> {
  const { concurrency = 16, prefix = "t-" } = options;
  const width = Math.max(4, String(Math.max(0, count - 1)).length);
  const { created, platform, containerConfig } = fixtureConfig(options, `${repo}:many`);
  const build = (index: number) =>
    buildImage({
      format: "oci",
      platform,
      created,
      containerConfig,
      layers: [sharedFixtureLayer()],
      annotations: { "org.bridgeport.test.index": String(index) },
    });
  const client = createPushClient(target);
  const tags = Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(width, "0")}`);
  const [firstTag, ...rest] = tags;
  if (firstTag === undefined) return [];
  // The first push uploads the shared blobs and learns the auth scheme before the fan-out.
  const first = await pushBuiltImage(client, repo, firstTag, build(0), { created, platform });
  const others = await mapWithConcurrency(rest, concurrency, async (tag, index) => {
    const image = build(index + 1);
    const digest = await client.putManifest(repo, tag, image.manifest, image.mediaType);
    return { ...first, tag, digest, manifest: image.manifest, manifestLength: image.manifest.length };
  });
  return [first, ...others];
}
