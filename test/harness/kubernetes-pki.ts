import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";

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
  const certPath = join(dir, "apiserver.crt");
  const keyPath = join(dir, "apiserver.key");
  const serviceAccountKeyPath = join(dir, "service-account.key");
  const serviceAccountPublicKeyPath = join(dir, "service-account.pub");
  // openssl's default x509 extensions make it a CA; Go and Node both accept a self-signed server
  // certificate that is itself the trusted root, provided its SAN names the address dialled.
  await runCommand([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "2",
    "-subj",
    "/CN=bridgeport-test-kube-apiserver",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
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
