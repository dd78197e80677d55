import type { CoreV1Api, V1Secret } from "@kubernetes/client-node";
import type { RegistryAccess } from "../remote/index.js";
import { kubeCall } from "./kube-error.js";

/** The annotation that records which credential version a pull secret holds. */
export const CREDENTIAL_VERSION_ANNOTATION = "bridgeport.dev/credential-version";
const REGISTRY_ANNOTATION = "bridgeport.dev/registry-id";
// Docker Hub's credentials go under the key docker and the kubelet look them up by.
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

/**
 * The pull secret of a registry connection in every namespace: `bridgeport-<registry id>`
 * (ids are lower-case base32, so the name is a valid Secret name).
 *
 * @example
 * pullSecretName("01jd3k9x2m4n5p6q7r8s9t0vwx") // => "bridgeport-01jd3k9x2m4n5p6q7r8s9t0vwx"
 */
export function pullSecretName(registryId: string): string {
  return `bridgeport-${registryId}`;
}

/**
 * The `kubernetes.io/dockerconfigjson` Secret for a registry's credentials in `namespace`,
 * labelled as Bridgeport's and annotated with the credential version it holds (pure).
 *
 * @example
 * pullSecret("team-a", { registryId: "reg1", credentialVersion: 2, login: { server: "registry.example.com", username: "ci", password: "…" } })
 * // => { type: "kubernetes.io/dockerconfigjson", metadata: { name: "bridgeport-reg1", annotations: { "bridgeport.dev/credential-version": "2", … } }, data: { ".dockerconfigjson": "eyJhdXRocyI6…" } }
 */
export function pullSecret(
  namespace: string,
  access: RegistryAccess & { login: NonNullable<RegistryAccess["login"]> },
): V1Secret {
  const { server, username, password } = access.login;
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  const config = { auths: { [server ?? DOCKER_HUB_KEY]: { username, password, auth } } };
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: {
      name: pullSecretName(access.registryId),
      namespace,
      labels: { "app.kubernetes.io/managed-by": "bridgeport" },
      annotations: {
        [REGISTRY_ANNOTATION]: access.registryId,
        [CREDENTIAL_VERSION_ANNOTATION]: String(access.credentialVersion),
      },
    },
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify(config)).toString("base64") },
  };
}

export type PullSecretOutcome = "created" | "updated" | "current" | "not-needed";

/**
 * Makes sure `namespace` holds the registry's pull secret at its active credential version:
 * created when missing, replaced when its annotation records another version, left alone
 * otherwise. Nothing for registries without credentials. Needs get, create and update on
 * secrets in the namespace.
 *
 * @example
 * await ensurePullSecret(core, "team-a", access) // => "updated"
 */
export async function ensurePullSecret(
  core: CoreV1Api,
  namespace: string,
  access: RegistryAccess,
): Promise<{ outcome: PullSecretOutcome; name: string | null }> {
  const { login } = access;
  if (login === null) return { outcome: "not-needed", name: null };
  const body = pullSecret(namespace, { ...access, login });
  const name = pullSecretName(access.registryId);
  const action = (verb: string) => ({ verb, resource: "secrets", namespace, object: `Secret ${name}` });
  const existing = await kubeCall(action("get"), () =>
    core.readNamespacedSecret({ name, namespace }).catch((error: unknown) => {
      if ((error as { code?: number }).code === 404) return null;
      throw error;
    }),
  );
  if (existing === null) {
    await kubeCall(action("create"), () => core.createNamespacedSecret({ namespace, body }));
    return { outcome: "created", name };
  }
  const held = existing.metadata?.annotations?.[CREDENTIAL_VERSION_ANNOTATION];
  if (held === String(access.credentialVersion) && existing.type === body.type)
    return { outcome: "current", name };
  const resourceVersion = existing.metadata?.resourceVersion;
  await kubeCall(action("update"), () =>
    core.replaceNamespacedSecret({
      name,
      namespace,
      body: { ...body, metadata: { ...body.metadata, ...(resourceVersion ? { resourceVersion } : {}) } },
    }),
  );
  return { outcome: "updated", name };
}
