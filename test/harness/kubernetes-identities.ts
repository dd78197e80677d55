import { z } from "zod";
import { type KubeClient, type KubernetesEndpoint, kubeClient } from "./kubernetes-api.js";
import { waitUntil } from "./process.js";

/** One rule of a Role, as in `rbac.authorization.k8s.io/v1`. */
export interface PolicyRule {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
  resourceNames?: readonly string[];
}

/** The namespaced permissions of a new identity: exactly one Role with these rules, bound to it. */
export interface NamespacedAccess {
  namespace: string;
  rules: readonly PolicyRule[];
}

const tokenRequestSchema = z.object({ status: z.object({ token: z.string().min(1) }) });
const accessReviewSchema = z.object({ status: z.object({ allowed: z.boolean() }) });

/**
 * Creates ServiceAccount `name` in the namespace, a Role `name` with exactly `access.rules` and
 * a RoleBinding between them, then asks the TokenRequest API for a one-hour token of it. The API
 * server's authenticator and RBAC caches learn of new objects a moment later, so this returns
 * once the token itself is accepted and (with rules) granted its first rule's first verb.
 *
 * @example
 * const token = await bearerTokenFor(admin, info, "deployer", {
 *   namespace: "team-a",
 *   rules: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] }],
 * });
 */
export async function bearerTokenFor(
  admin: KubeClient,
  endpoint: KubernetesEndpoint,
  name: string,
  access: NamespacedAccess,
  timeoutMs = 30_000,
): Promise<string> {
  const { namespace, rules } = access;
  const metadata = { name, namespace };
  await admin.ok("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    body: { apiVersion: "v1", kind: "ServiceAccount", metadata },
  });
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}`;
  await admin.ok("POST", `${rbac}/roles`, {
    body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata, rules },
  });
  await admin.ok("POST", `${rbac}/rolebindings`, {
    body: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  });
  const issued = await admin.ok("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    body: {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 3_600 },
    },
  });
  const token = tokenRequestSchema.parse(issued).status.token;

  const self = kubeClient(endpoint, token);
  try {
    await waitUntil(() => grantsFirstRule(self, namespace, rules[0]), {
      what: `the token of ServiceAccount ${namespace}/${name} to be accepted with its Role`,
      timeoutMs,
    });
  } finally {
    await self.close();
  }
  return token;
}

// A SelfSubjectAccessReview is open to every authenticated identity: a 201 proves the token is
// accepted, and `allowed` that RBAC sees the binding.
async function grantsFirstRule(
  self: KubeClient,
  namespace: string,
  rule: PolicyRule | undefined,
): Promise<boolean> {
  const response = await self.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          namespace,
          verb: rule?.verbs[0] ?? "get",
          group: rule?.apiGroups[0] ?? "",
          resource: rule?.resources[0] ?? "pods",
          ...(rule?.resourceNames?.[0] === undefined ? {} : { name: rule.resourceNames[0] }),
        },
      },
    },
  });
  if (response.status !== 201) return false;
  return rule === undefined || accessReviewSchema.parse(response.body).status.allowed;
}
