import {
  type FetchedManifest,
  type IndexManifest,
  isIndex,
  type RegistryClient,
  RegistryError,
  type SignatureTagIndex,
} from "../registry/index.js";
import { parseJson, SIGSTORE, verifyBundle } from "./bundle.js";
import type { Finding } from "./findings.js";
import { signatureLayers, verifySimpleSigning } from "./simple-signing.js";
import type { TrustedKey } from "./trusted-keys.js";

/** At most this many bundles are read per digest: a referrers list is registry input. */
const MAX_BUNDLES = 4;
const MAX_BUNDLE_BYTES = 1024 * 1024;

/** cosign's tag for a digest's classic signatures: `sha256-<hex>.sig`. */
export const sigTagOf = (digest: string): string => `${digest.replace(":", "-")}.sig`;
/** The OCI referrers fallback tag for a digest (distribution spec, "Referrers Tag Schema"). */
export const referrersTagOf = (digest: string): string => digest.replace(":", "-");

export interface SignatureSource {
  client: RegistryClient;
  repository: string;
  hints: SignatureTagIndex;
}

/**
 * Reads what the registry holds to sign `digest` and judges each piece: cosign's `.sig` tag (its
 * manifest, then each payload blob) and Sigstore bundles attached as referrers (the referrers
 * API, or its `sha256-<hex>` tag where the registry has none). Stops at the first verified one.
 * The last sync's tag listing says what exists, so a signed digest costs two requests (`.sig`)
 * or three (bundle: referrers list, manifest, blob); absent hints, each place is asked.
 */
export async function collectFindings(
  source: SignatureSource,
  digest: string,
  keys: readonly TrustedKey[],
): Promise<Finding[]> {
  const { client, repository, hints } = source;
  const registry = client.baseUrl.origin;
  const sigListed = hints.listed(registry, repository, sigTagOf(digest));
  const bundleListed = hints.listed(registry, repository, referrersTagOf(digest));
  // A listing that shows only a bundle: try it first and skip asking for a `.sig` it lacked.
  const order =
    bundleListed === true && sigListed !== true
      ? [bundleFindings, cosignFindings]
      : [cosignFindings, bundleFindings];
  const findings: Finding[] = [];
  for (const collect of order) {
    findings.push(...(await collect(source, digest, keys)));
    if (findings.some((f) => f.status === "verified")) break;
  }
  return findings;
}

async function cosignFindings(source: SignatureSource, digest: string, keys: readonly TrustedKey[]) {
  const tag = sigTagOf(digest);
  const fetched = await manifestOrNull(source, tag);
  if (fetched === null) return [];
  if (fetched === "garbage" || isIndex(fetched.manifest)) {
    return [malformed("cosign", `${tag} is not a cosign signature (its manifest is not a signature image)`)];
  }
  const manifest = fetched.manifest;
  const payloads = new Map<string, Buffer>();
  for (const layer of signatureLayers(manifest)) {
    const blob = await blobOrNull(source, layer.digest, 64 * 1024);
    if (blob === "corrupt") return [corrupt("cosign", `the payload of ${tag} does not match its digest`)];
    if (blob) payloads.set(layer.digest, blob);
  }
  return verifySimpleSigning(manifest, payloads, digest, keys, tag);
}

async function bundleFindings(source: SignatureSource, digest: string, keys: readonly TrustedKey[]) {
  const index = await referrersOf(source, digest);
  const bundles = (index?.manifests ?? [])
    .filter((d) => d.artifactType?.startsWith(SIGSTORE.bundleMediaTypePrefix))
    .slice(-MAX_BUNDLES)
    .reverse();
  const findings: Finding[] = [];
  for (const descriptor of bundles) {
    const where = `bundle referrer ${descriptor.digest.slice(0, 19)}`;
    const fetched = await manifestOrNull(source, descriptor.digest);
    const layer =
      fetched && fetched !== "garbage" && !isIndex(fetched.manifest) ? fetched.manifest.layers[0] : undefined;
    if (!layer?.mediaType.startsWith(SIGSTORE.bundleMediaTypePrefix)) {
      findings.push(malformed("bundle", `${where} holds no Sigstore bundle layer`));
      continue;
    }
    const blob = await blobOrNull(source, layer.digest, MAX_BUNDLE_BYTES);
    if (blob === null || blob === "corrupt") {
      findings.push(corrupt("bundle", `the bundle of ${where} is missing or does not match its digest`));
      continue;
    }
    const finding = verifyBundle(parseJson(blob), digest, keys, where);
    findings.push(finding);
    if (finding.status === "verified") break;
  }
  return findings;
}

/** The referrers API where the registry has one; else (404) the fallback tag's index. */
async function referrersOf(source: SignatureSource, digest: string): Promise<IndexManifest | null> {
  const { client, repository, hints } = source;
  const registry = client.baseUrl.origin;
  const listed = hints.listed(registry, repository, referrersTagOf(digest));
  if (hints.hasReferrersApi(registry) && listed !== true) {
    const index = await client.referrers(repository, digest);
    if (index) return index;
    hints.noReferrersApi(registry);
  }
  const fallback = await manifestOrNull(source, referrersTagOf(digest));
  // The spec: a fallback tag that is no index means no referrers.
  return fallback && fallback !== "garbage" && isIndex(fallback.manifest) ? fallback.manifest : null;
}

/** A manifest by tag or digest; null when absent; "garbage" when it is no manifest we can read. */
async function manifestOrNull(
  source: SignatureSource,
  reference: string,
): Promise<FetchedManifest | null | "garbage"> {
  try {
    return await source.client.getManifest(source.repository, reference);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.status === 404) return null;
    if (error.status === 200) return "garbage";
    throw error;
  }
}

async function blobOrNull(
  source: SignatureSource,
  digest: string,
  maxBytes: number,
): Promise<Buffer | null | "corrupt"> {
  try {
    return await source.client.getBlob(source.repository, digest, maxBytes);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.status === 404) return null;
    // Bytes that do not hash to their digest (200), or more bytes than any signature has.
    if (error.status === 200 || (error.status === 0 && !error.temporary)) return "corrupt";
    throw error;
  }
}

const malformed = (kind: Finding["kind"], detail: string): Finding => ({
  status: "malformed",
  kind,
  key: null,
  detail,
});
const corrupt = (kind: Finding["kind"], detail: string): Finding => ({
  status: "corrupt",
  kind,
  key: null,
  detail,
});
