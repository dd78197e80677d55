import { storedConnection } from "../images/stored-connection.js";
import { connectRegistry, parseImageName, type RegistryDeps, RegistryError } from "../registry/index.js";
import type { ContainerImage, SignatureCheck, SignaturePolicy, Store } from "../store/index.js";
import { decisive, reasonOf } from "./findings.js";
import { collectFindings } from "./registry-findings.js";
import { keySetId, trustedKeys } from "./trusted-keys.js";

export interface SignatureDeps {
  store: Store;
  registries: RegistryDeps;
  now?: () => Date;
}

/**
 * Checks `digest` of `image` against its environment's trusted keys and records the result. A
 * verified result is reused while the key set is unchanged (no registry request); any other is
 * asked again, since a signature may have been pushed since. A registry failure is an `error`
 * check, never stored.
 *
 * @example
 * await checkSignature({ store, registries }, image, "sha256:ab...", "enforce")
 * // => { policy: "enforce", status: "verified", keyName: "ci", kind: "cosign", reason: null, ... }
 */
export async function checkSignature(
  deps: SignatureDeps,
  image: ContainerImage,
  digest: string,
  policy: SignaturePolicy,
): Promise<SignatureCheck> {
  const { store } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const rows = await store.signingKeys.list(image.environmentId);
  const result = (fields: Omit<SignatureCheck, "policy" | "checkedAt">): SignatureCheck => ({
    policy,
    ...fields,
    checkedAt: now.toISOString(),
  });
  if (rows.length === 0) {
    return result({
      status: "untrusted",
      keyId: null,
      keyName: null,
      kind: null,
      reason: `no signature by a trusted key for ${digest}: the environment trusts no signing key yet (POST /api/environments/${image.environmentId}/signing-keys)`,
    });
  }
  const keySet = keySetId(rows);
  const cached = await store.signatureVerifications.get(image.id, digest);
  if (cached?.status === "verified" && cached.keySet === keySet) {
    const { status, keyId, keyName, kind, reason } = cached;
    return { policy, status, keyId, keyName, kind, reason, checkedAt: cached.checkedAt.toISOString() };
  }
  const failed = (detail: string) =>
    result({
      status: "error",
      keyId: null,
      keyName: null,
      kind: null,
      reason: `could not check the signatures of ${digest}: ${detail}`,
    });
  const registry = image.registryConnectionId
    ? await store.registries.get(image.registryConnectionId)
    : undefined;
  if (!registry) return failed("No registry connection configured for this image");
  try {
    const { info } = await storedConnection(store, registry);
    const { client } = connectRegistry(info, deps.registries);
    const source = {
      client,
      repository: parseImageName(image.imageName).repository,
      hints: deps.registries.signatureTags,
    };
    const finding = decisive(await collectFindings(source, digest, trustedKeys(rows)));
    const check = result({
      status: finding.status,
      keyId: finding.key?.id ?? null,
      keyName: finding.key?.name ?? null,
      kind: finding.kind,
      reason: reasonOf(finding, digest),
    });
    const { status, keyId, keyName, kind, reason } = check;
    await store.signatureVerifications.save({
      containerImageId: image.id,
      manifestDigest: digest,
      keySet,
      status,
      keyId,
      keyName,
      kind,
      reason,
      checkedAt: now,
    });
    return check;
  } catch (error) {
    if (error instanceof RegistryError) return failed(error.message);
    throw error;
  }
}

/** The digest list's view of stored checks: only those made with the current key set count. */
export async function currentChecks(store: Store, image: ContainerImage) {
  const rows = await store.signingKeys.list(image.environmentId);
  if (rows.length === 0) return new Map<string, never>();
  const keySet = keySetId(rows);
  const checks = await store.signatureVerifications.listForImage(image.id);
  return new Map(checks.filter((c) => c.keySet === keySet).map((c) => [c.manifestDigest, c] as const));
}
