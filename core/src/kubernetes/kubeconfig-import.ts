import type { ClusterCredential } from "./cluster-access.js";
import { kubeClient } from "./kube-client.js";

/** What a pasted kubeconfig gives a cluster server: where, which CA, who, and its namespace. */
export interface ImportedKubeconfig {
  apiServerUrl: string;
  caCertificate: string | null;
  namespace: string | null;
  credential: ClusterCredential;
}

export type KubeconfigImport = { ok: true; value: ImportedKubeconfig } | { ok: false; message: string };

/**
 * Reads a kubeconfig pasted once: only the context it names (`context`, else its
 * current-context), that context's cluster and user. The CA, token and client certificate must
 * be inline (`*-data`, `token`): a file path on the paster's machine means nothing here, and
 * exec or auth-provider plugins would run programs. The text itself is not kept.
 *
 * @example
 * await importKubeconfig(text) // => { ok: true, value: { apiServerUrl: "https://10.0.0.1:6443", credential: { kind: "token", ... }, ... } }
 * await importKubeconfig(text, "staging") // => { ok: false, message: "the kubeconfig has no context named staging" }
 */
export async function importKubeconfig(text: string, context?: string): Promise<KubeconfigImport> {
  const { KubeConfig } = await kubeClient();
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    return {
      ok: false,
      message: `not a kubeconfig (${error instanceof Error ? error.message : "unreadable"})`,
    };
  }
  const name = context ?? kc.getCurrentContext();
  const chosen = kc.getContextObject(name);
  if (!chosen)
    return {
      ok: false,
      message: `the kubeconfig has no context named ${name || "(none: set current-context)"}`,
    };
  const cluster = kc.getCluster(chosen.cluster);
  const user = kc.getUser(chosen.user);
  if (!cluster)
    return {
      ok: false,
      message: `context ${name} names cluster ${chosen.cluster}, which the kubeconfig lacks`,
    };
  if (!user)
    return { ok: false, message: `context ${name} names user ${chosen.user}, which the kubeconfig lacks` };
  if (cluster.caFile || user.certFile || user.keyFile)
    return {
      ok: false,
      message:
        "file paths cannot be read here: inline them (certificate-authority-data, client-certificate-data, client-key-data)",
    };
  if (user.exec || user.authProvider)
    return {
      ok: false,
      message: `user ${user.name} authenticates through a plugin: give a token or a client certificate instead`,
    };
  if (cluster.skipTLSVerify)
    return {
      ok: false,
      message: "insecure-skip-tls-verify is not accepted: give certificate-authority-data",
    };
  const decode = (data: string) => Buffer.from(data, "base64").toString("utf8");
  let credential: ClusterCredential;
  if (user.token) credential = { kind: "token", token: user.token };
  else if (user.certData && user.keyData)
    credential = {
      kind: "client-certificate",
      certificate: decode(user.certData),
      key: decode(user.keyData),
    };
  else
    return {
      ok: false,
      message: `user ${user.name} has neither a token nor client-certificate-data and client-key-data`,
    };
  return {
    ok: true,
    value: {
      apiServerUrl: cluster.server,
      caCertificate: cluster.caData ? decode(cluster.caData) : null,
      namespace: chosen.namespace ?? null,
      credential,
    },
  };
}
