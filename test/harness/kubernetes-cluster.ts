import type { KubernetesInfo } from "./kubernetes.js";
import { type KubeClient, kubeClient } from "./kubernetes-api.js";
import { bearerTokenFor, type NamespacedAccess } from "./kubernetes-identities.js";
import { writeKubeconfig } from "./kubernetes-kubeconfig.js";
import { createNamespace } from "./kubernetes-namespaces.js";

/** A test's handle on a running control plane. */
export interface KubernetesCluster {
  info: KubernetesInfo;
  /** A client as cluster-admin. */
  admin: KubeClient;
  /** A client as the holder of `token`; closed by `close()`. */
  client(token: string): KubeClient;
  /** Creates a namespace and waits until pods can be created in it. */
  createNamespace(name: string): Promise<void>;
  /** A token for a new ServiceAccount `name` with exactly the Role `access` gives. */
  bearerTokenFor(name: string, access: NamespacedAccess): Promise<string>;
  /** Writes a 0600 kubeconfig for `token` (default: the admin token) at `path`. */
  writeKubeconfig(path: string, token?: string): Promise<string>;
  /** Closes every client this handle opened (the control plane keeps running). */
  close(): Promise<void>;
}

/**
 * Wraps a control plane's connection info in the calls tests make.
 *
 * @example
 * const cluster = connectKubernetes(kubernetes.info());
 * await cluster.createNamespace("rollout");
 * const token = await cluster.bearerTokenFor("reader", { namespace: "rollout", rules: [] });
 */
export function connectKubernetes(info: KubernetesInfo): KubernetesCluster {
  const admin = kubeClient(info, info.adminToken);
  const opened: KubeClient[] = [admin];
  return {
    info,
    admin,
    client(token) {
      const client = kubeClient(info, token);
      opened.push(client);
      return client;
    },
    createNamespace: (name) => createNamespace(admin, name),
    bearerTokenFor: (name, access) => bearerTokenFor(admin, info, name, access),
    writeKubeconfig: (path, token) => writeKubeconfig(path, info, token ?? info.adminToken),
    async close() {
      await Promise.all(opened.splice(0).map((client) => client.close()));
    },
  };
}
