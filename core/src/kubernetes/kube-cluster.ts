import type { AppsV1Api, AuthorizationV1Api, CoreV1Api, Watch } from "@kubernetes/client-node";
import type { Store } from "../store/index.js";
import { type ClusterAccess, clusterCredential, kubeConfigFor } from "./cluster-access.js";
import { kubeClient } from "./kube-client.js";

/** The API clients of one cluster, made from its stored server. */
export interface KubeCluster {
  /** The server's name in Bridgeport, for messages. */
  name: string;
  apps: AppsV1Api;
  core: CoreV1Api;
  authz: AuthorizationV1Api;
  watch: Watch;
}

/** The clusters of one plan run, each built once from its server. */
export interface ClusterProvider {
  cluster(serverId: string): Promise<KubeCluster>;
}

/**
 * The clients for a cluster, from decrypted access data.
 *
 * @example
 * const cluster = await kubeCluster({ name: "prod", apiServerUrl, caCertificate, credential: { kind: "token", token } });
 * await cluster.apps.readNamespacedDeployment({ name: "web", namespace: "team-a" });
 */
export async function kubeCluster(access: ClusterAccess): Promise<KubeCluster> {
  const { AppsV1Api, AuthorizationV1Api, CoreV1Api, Watch } = await kubeClient();
  const kc = await kubeConfigFor(access);
  return {
    name: access.name,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    authz: kc.makeApiClient(AuthorizationV1Api),
    watch: new Watch(kc),
  };
}

/**
 * A stored server of mode `kubernetes` as access data (its credential decrypted here, only for
 * the clients), or an error naming the field to set.
 *
 * @example
 * await storedClusterAccess(store, server.id) // => { name: "prod", apiServerUrl: "https://…", credential: { kind: "token", … } }
 */
export async function storedClusterAccess(store: Store, serverId: string): Promise<ClusterAccess> {
  const server = await store.servers.get(serverId);
  if (!server) throw new Error(`server ${serverId} no longer exists`);
  if (server.mode !== "kubernetes" || server.apiServerUrl === null)
    throw new Error(`server ${server.name} is not a Kubernetes cluster (mode ${server.mode})`);
  const auth = await store.servers.getSecret(serverId);
  const credential = auth ? clusterCredential(auth) : null;
  if (credential === null)
    throw new Error(
      `server ${server.name} has no token or client certificate: set auth (kind token or client-certificate)`,
    );
  return {
    name: server.name,
    apiServerUrl: server.apiServerUrl,
    caCertificate: server.caCertificate,
    credential,
  };
}

/** Clusters for the servers in the store, each built on first use and reused. */
export function storeClusterProvider(store: Store): ClusterProvider {
  const made = new Map<string, Promise<KubeCluster>>();
  return {
    cluster(serverId) {
      let pending = made.get(serverId);
      if (!pending) {
        pending = storedClusterAccess(store, serverId).then(kubeCluster);
        pending.catch(() => made.delete(serverId));
        made.set(serverId, pending);
      }
      return pending;
    },
  };
}
