import type { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import { kubeClient } from "./kube-client.js";

/** How the bot proves who it is to a cluster: a bearer token, or a client certificate and its key. */
export type ClusterCredential =
  | { kind: "token"; token: string }
  | { kind: "client-certificate"; certificate: string; key: string };

/** Everything needed to talk to one cluster's API server, secrets decrypted. */
export interface ClusterAccess {
  /** The server's name in Bridgeport, for messages. */
  name: string;
  /** `https://host:port` of the API server. */
  apiServerUrl: string;
  /** PEM of the CA the API server's certificate is checked against; null: the system's CAs. */
  caCertificate: string | null;
  credential: ClusterCredential;
}

const certificatePairSchema = z.object({ certificate: z.string().min(1), key: z.string().min(1) }).strict();

/**
 * A client certificate and its key as the one secret a server stores (`auth.secret` of kind
 * `client-certificate`): both PEM texts in one JSON object, encrypted together.
 *
 * @example
 * clientCertificateSecret({ certificate: "-----BEGIN CERTIFICATE-----...", key: "-----BEGIN PRIVATE KEY-----..." })
 * // => '{"certificate":"-----BEGIN CERTIFICATE-----...","key":"..."}'
 */
export function clientCertificateSecret(pair: { certificate: string; key: string }): string {
  return JSON.stringify(certificatePairSchema.parse(pair));
}

/**
 * The credential a stored secret holds, by its kind; null for SSH kinds (a key or a password).
 *
 * @example
 * clusterCredential({ kind: "token", secret: "eyJ..." }) // => { kind: "token", token: "eyJ..." }
 */
export function clusterCredential(auth: { kind: string; secret: string }): ClusterCredential | null {
  if (auth.kind === "token") return { kind: "token", token: auth.secret };
  if (auth.kind !== "client-certificate") return null;
  const parsed = certificatePairSchema.safeParse(safeJson(auth.secret));
  if (!parsed.success) throw new Error("the stored client certificate is not a {certificate, key} pair");
  return { kind: "client-certificate", ...parsed.data };
}

/**
 * A KubeConfig with exactly one cluster, user and context, built from stored data (never from a
 * file or the environment): the client library's clients are made from it.
 *
 * @example
 * const kc = await kubeConfigFor({ name: "prod", apiServerUrl: "https://10.0.0.1:6443", caCertificate: pem, credential });
 * kc.makeApiClient(AppsV1Api);
 */
export async function kubeConfigFor(access: ClusterAccess): Promise<KubeConfig> {
  const { KubeConfig } = await kubeClient();
  const kc = new KubeConfig();
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const { credential } = access;
  kc.loadFromOptions({
    clusters: [
      {
        name: "cluster",
        server: access.apiServerUrl,
        skipTLSVerify: false,
        ...(access.caCertificate === null ? {} : { caData: b64(access.caCertificate) }),
      },
    ],
    users: [
      credential.kind === "token"
        ? { name: "user", token: credential.token }
        : { name: "user", certData: b64(credential.certificate), keyData: b64(credential.key) },
    ],
    contexts: [{ name: "bridgeport", cluster: "cluster", user: "user" }],
    currentContext: "bridgeport",
  });
  return kc;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
