import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";
import { makeSelfSignedCert } from "./self-signed-cert.js";

/** The files a control plane's API server and controller manager read their credentials from. */
export interface ControlPlanePki {
  /** Serving certificate of the API server, self-signed, so it is also the CA clients trust. */
  certPath: string;
  keyPath: string;
  caPem: string;
  /** RSA key that signs service-account tokens; its public half verifies them. */
  serviceAccountKeyPath: string;
  serviceAccountPublicKeyPath: string;
  /** `--token-auth-file`: static bearer tokens, read once when the API server starts. */
  tokenFilePath: string;
  adminToken: string;
  controllerManagerToken: string;
}

/**
 * Makes the control plane's keys with openssl and its static token file in `dir`. No key has a
 * passphrase and every token goes into a 0600 file, so no secret reaches a process's argv.
 *
 * @example
 * const pki = await makeControlPlanePki(dir);
 */
export async function makeControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const tlsDir = join(dir, "apiserver-tls");
  await mkdir(tlsDir);
  // openssl's default x509 extensions make it a CA; Go and Node both accept a self-signed server
  // certificate that is itself the trusted root, provided its SAN names the address dialled.
  const { certPath, keyPath } = await makeSelfSignedCert(tlsDir, "bridgeport-test-kube-apiserver", {
    subjectAltName: "IP:127.0.0.1,DNS:localhost",
  });
  const serviceAccountKeyPath = join(dir, "service-account.key");
  const serviceAccountPublicKeyPath = join(dir, "service-account.pub");
  await runCommand(["openssl", "genrsa", "-out", serviceAccountKeyPath, "2048"]);
  await runCommand([
    "openssl",
    "rsa",
    "-in",
    serviceAccountKeyPath,
    "-pubout",
    "-out",
    serviceAccountPublicKeyPath,
  ]);

  const adminToken = randomToken();
  const controllerManagerToken = randomToken();
  const tokenFilePath = join(dir, "tokens.csv");
  // token,user,uid,"group,...": system:masters passes every RBAC check, as the cluster-admin
  // credentials of a real cluster do.
  await writeFile(
    tokenFilePath,
    [
      `${adminToken},bridgeport-test-admin,bridgeport-test-admin,"system:masters"`,
      `${controllerManagerToken},system:kube-controller-manager,system:kube-controller-manager,"system:masters"`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return {
    certPath,
    keyPath,
    caPem: await readFile(certPath, "utf8"),
    serviceAccountKeyPath,
    serviceAccountPublicKeyPath,
    tokenFilePath,
    adminToken,
    controllerManagerToken,
  };
}

function randomToken(): string {
  return randomBytes(24).toString("hex");
}
