import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder } from "@sigstore/sign";
import { signPayload } from "./cosign-fixtures.js";
import { sha256Digest } from "./digest.js";
import { mediaTypes } from "./media-types.js";
import { createPushClient, type PushTarget } from "./oci-push.js";
import type { SigningKeyPair } from "./signing-keys.js";

/** What cosign 3 (`cosign sign --key`, new bundle format) attaches, and how it names it. */
export const sigstoreLayout = {
  bundleMediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  emptyConfigMediaType: "application/vnd.oci.empty.v1+json",
  signPredicateType: "https://sigstore.dev/cosign/sign/v1",
  inTotoStatementType: "https://in-toto.io/Statement/v1",
} as const;

export interface SubjectManifest {
  digest: string;
  mediaType: string;
  /** The manifest's length in bytes. */
  manifestLength: number;
}

export interface BundleOptions {
  key: SigningKeyPair;
  /** The digest the statement names (default the subject's). */
  statementDigest?: string;
}

/**
 * Signs `subject` as cosign 3 does by default and attaches the bundle as an OCI referrer: an
 * in-toto statement (subject = the digest, predicate type cosign's sign/v1) in a DSSE envelope,
 * in a v0.3 Sigstore bundle made by @sigstore/sign's own DSSE bundle builder (no transparency
 * log: what the bot verifies offline). The referrer is an OCI manifest with `artifactType` the
 * bundle's media type, the empty config, one bundle layer, `subject` pointing at the image, and
 * cosign's annotations, pushed by digest. Where the registry has no referrers API (distribution
 * 2.8), the distribution spec's fallback: the referrer's descriptor is appended to the image
 * index under the `sha256-<hex>` tag.
 *
 * @example
 * const { referrer } = await pushSigstoreBundle(registry, "team/app", image, { key });
 */
export async function pushSigstoreBundle(
  target: PushTarget,
  repo: string,
  subject: SubjectManifest,
  options: BundleOptions,
): Promise<{ referrer: string; bundle: unknown; fallbackTag: string | null }> {
  const statement = {
    _type: sigstoreLayout.inTotoStatementType,
    subject: [{ digest: { sha256: (options.statementDigest ?? subject.digest).replace("sha256:", "") } }],
    predicateType: sigstoreLayout.signPredicateType,
    predicate: {},
  };
  const builder = new DSSEBundleBuilder({
    signer: {
      sign: async (data) => ({
        signature: signPayload(data, options.key.privateKey),
        key: { $case: "publicKey", publicKey: options.key.publicKeyPem },
      }),
    },
    witnesses: [],
  });
  const built = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: mediaTypes.inToto,
  });
  const bundle = bundleToJSON(built);
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const config = Buffer.from("{}");
  const client = createPushClient(target);
  await client.uploadBlob(repo, config);
  await client.uploadBlob(repo, bundleBytes);
  const annotations = {
    "org.opencontainers.image.created": new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    "dev.sigstore.bundle.content": "dsse-envelope",
    "dev.sigstore.bundle.predicateType": sigstoreLayout.signPredicateType,
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: {
        mediaType: sigstoreLayout.emptyConfigMediaType,
        size: config.length,
        digest: sha256Digest(config),
        artifactType: sigstoreLayout.bundleMediaType,
      },
      layers: [
        {
          mediaType: sigstoreLayout.bundleMediaType,
          size: bundleBytes.length,
          digest: sha256Digest(bundleBytes),
        },
      ],
      subject: { mediaType: subject.mediaType, size: subject.manifestLength, digest: subject.digest },
      annotations,
      artifactType: sigstoreLayout.bundleMediaType,
    }),
  );
  const referrer = await client.putManifest(repo, sha256Digest(manifest), manifest, mediaTypes.ociManifest);
  const descriptor = {
    mediaType: mediaTypes.ociManifest,
    size: manifest.length,
    digest: referrer,
    artifactType: sigstoreLayout.bundleMediaType,
    annotations,
  };
  if (await hasReferrersApi(client, repo, subject.digest)) return { referrer, bundle, fallbackTag: null };
  return {
    referrer,
    bundle,
    fallbackTag: await appendToFallbackIndex(client, repo, subject.digest, descriptor),
  };
}

type Client = ReturnType<typeof createPushClient>;

async function hasReferrersApi(client: Client, repo: string, digest: string): Promise<boolean> {
  const res = await client.request({
    repo,
    path: `/v2/${repo}/referrers/${digest}`,
    headers: { accept: mediaTypes.ociIndex },
  });
  await res.body.dump();
  return res.statusCode === 200;
}

/** The spec's "Pushing Manifests with Subject" without an OCI-Subject answer: pull, append, push. */
async function appendToFallbackIndex(client: Client, repo: string, subject: string, descriptor: object) {
  const tag = subject.replace(":", "-");
  const manifests: object[] = [];
  try {
    const current = JSON.parse((await client.getManifest(repo, tag)).bytes.toString()) as {
      manifests?: object[];
    };
    manifests.push(...(current.manifests ?? []));
  } catch (error) {
    if (!String(error).includes("404")) throw error;
  }
  manifests.push(descriptor);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests }));
  await client.putManifest(repo, tag, index, mediaTypes.ociIndex);
  return tag;
}
