import { connect } from "node:tls";
import type { ServerTestResult } from "../remote/index.js";
import type { WorkloadKind } from "../store/index.js";
import { deployPermissions, describePermission, missingPermissions } from "./access-review.js";
import { type ClusterAccess, kubeConfigFor } from "./cluster-access.js";
import { kubeClient } from "./kube-client.js";
import { kubeCluster } from "./kube-cluster.js";
import { KubeApiError, kubeCall } from "./kube-error.js";

const CONNECT_TIMEOUT_MS = 10_000;

/** What a cluster's deploys touch: each namespace with the workload kinds deployed there. */
export type ClusterScope = ReadonlyMap<string, ReadonlySet<WorkloadKind>>;

/**
 * Tests a cluster server step by step, each failure with its own check and reason: the API
 * server answers TLS (`api-server`), its certificate is signed by the stored CA (`ca`), the
 * token or client certificate is accepted (`credential`), and a SelfSubjectAccessReview grants
 * every verb the deploys need in every namespace of `scope` (`permissions`, naming each gap).
 *
 * @example
 * await testKubernetesServer(access, new Map([["team-a", new Set(["Deployment"])]]))
 * // => { ok: false, failed: "permissions", error: "forbidden: needs patch on deployments.apps in team-a" }
 */
export async function testKubernetesServer(
  access: ClusterAccess,
  scope: ClusterScope,
): Promise<ServerTestResult> {
  const tls = await tlsCheck(access);
  if (tls !== null) return { ok: false, ...tls };
  const cluster = await kubeCluster(access);
  let version: string;
  try {
    // Every authenticated identity may ask a SelfSubjectAccessReview: a 401 is the credential.
    await missingPermissions(cluster, "default", [{ verb: "get", group: "", resource: "namespaces" }]);
    const missing: string[] = [];
    for (const [namespace, kinds] of scope) {
      const wanted = [...kinds].flatMap(deployPermissions);
      const unique = [...new Map(wanted.map((p) => [describePermission(p), p])).values()];
      for (const gap of await missingPermissions(cluster, namespace, unique))
        missing.push(`needs ${describePermission(gap)} in ${namespace}`);
    }
    if (missing.length > 0)
      return { ok: false, failed: "permissions", error: `forbidden: ${missing.join("; ")}` };
    const { VersionApi } = await kubeClient();
    const api = (await kubeConfigFor(access)).makeApiClient(VersionApi);
    version = (await kubeCall({ verb: "get", resource: "/version" }, () => api.getCode())).gitVersion;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = error instanceof KubeApiError && error.status === 401 ? "credential" : "api-server";
    return { ok: false, failed, error: message };
  }
  return { ok: true, kubernetes: { version, namespaces: [...scope.keys()] } };
}

/** Connects once: null when the API server answered TLS with a certificate the CA signed. */
function tlsCheck(access: ClusterAccess): Promise<{ failed: "api-server" | "ca"; error: string } | null> {
  const url = new URL(access.apiServerUrl);
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      ...(access.caCertificate === null ? {} : { ca: access.caCertificate }),
      rejectUnauthorized: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    const done = (result: { failed: "api-server" | "ca"; error: string } | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("secureConnect", () => {
      if (socket.authorized) return done(null);
      const which = access.caCertificate === null ? "the system's CAs" : "the caCertificate given";
      done({
        failed: "ca",
        error: `the API server at ${access.apiServerUrl} has a certificate that ${which} do not vouch for (${String(socket.authorizationError)}): set caCertificate to the cluster's CA`,
      });
    });
    socket.once("timeout", () =>
      done({
        failed: "api-server",
        error: `the API server at ${access.apiServerUrl} did not answer in ${CONNECT_TIMEOUT_MS / 1000} s`,
      }),
    );
    socket.once("error", (error: Error) =>
      done({
        failed: "api-server",
        error: `the API server at ${access.apiServerUrl} did not answer: ${error.message}`,
      }),
    );
  });
}
