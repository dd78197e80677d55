import type { WorkloadKind } from "../store/index.js";
import type { KubeCluster } from "./kube-cluster.js";
import { kubeCall } from "./kube-error.js";
import { WORKLOAD_RESOURCES } from "./workloads.js";

/** One permission, as RBAC grants it: a verb on a resource of an API group ("" is the core group). */
export interface Permission {
  verb: string;
  group: string;
  resource: string;
}

/**
 * What deploying a workload of `kind` needs in its namespace: read, watch and patch the workload,
 * and keep the pull secret (get, create, update on secrets).
 *
 * @example
 * deployPermissions("Deployment").map(describePermission)
 * // => ["get on deployments.apps", "list on deployments.apps", "watch on deployments.apps", "patch on deployments.apps", "get on secrets", ...]
 */
export function deployPermissions(kind: WorkloadKind): Permission[] {
  const workload = (verb: string) => ({ verb, group: "apps", resource: WORKLOAD_RESOURCES[kind] });
  const secrets = (verb: string) => ({ verb, group: "", resource: "secrets" });
  return [...["get", "list", "watch", "patch"].map(workload), ...["get", "create", "update"].map(secrets)];
}

/** What discovery needs in a namespace: list every workload kind, and the pods (their image ids). */
export const DISCOVERY_PERMISSIONS: readonly Permission[] = [
  ...Object.values(WORKLOAD_RESOURCES).map((resource) => ({ verb: "list", group: "apps", resource })),
  { verb: "list", group: "", resource: "pods" },
];

/** `patch on deployments.apps`: how RBAC names a permission. */
export function describePermission(permission: Permission): string {
  const resource =
    permission.group === "" ? permission.resource : `${permission.resource}.${permission.group}`;
  return `${permission.verb} on ${resource}`;
}

/**
 * The permissions of `wanted` the cluster's credential lacks in `namespace`, each asked with a
 * SelfSubjectAccessReview (which every authenticated identity may create).
 *
 * @example
 * await missingPermissions(cluster, "team-a", deployPermissions("Deployment")) // => [{ verb: "patch", group: "apps", resource: "deployments" }]
 */
export async function missingPermissions(
  cluster: KubeCluster,
  namespace: string,
  wanted: readonly Permission[],
): Promise<Permission[]> {
  const answers = await Promise.all(
    wanted.map(async (permission) => {
      const review = await kubeCall(
        { verb: "create", resource: "selfsubjectaccessreviews.authorization.k8s.io" },
        () =>
          cluster.authz.createSelfSubjectAccessReview({
            body: {
              apiVersion: "authorization.k8s.io/v1",
              kind: "SelfSubjectAccessReview",
              spec: { resourceAttributes: { namespace, ...permission } },
            },
          }),
      );
      return review.status?.allowed === true ? null : permission;
    }),
  );
  return answers.filter((p): p is Permission => p !== null);
}
