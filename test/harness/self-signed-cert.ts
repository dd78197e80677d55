import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";

export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Makes an RSA 2048 key and a self-signed certificate in `dir` with openssl. The key has no
 * passphrase, so no secret ever reaches openssl's argv. A server certificate needs
 * `subjectAltName` (e.g. `IP:127.0.0.1`): TLS clients match the address dialled against it.
 *
 * @example
 * const cert = await makeSelfSignedCert(dir, "bridgeport-test-token-issuer");
 */
export async function makeSelfSignedCert(
  dir: string,
  commonName: string,
  options: { subjectAltName?: string } = {},
): Promise<SelfSignedCert> {
  const certPath = join(dir, "token-cert.pem");
  const keyPath = join(dir, "token-key.pem");
  await runCommand([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "2",
    "-subj",
    `/CN=${commonName}`,
    ...(options.subjectAltName === undefined ? [] : ["-addext", `subjectAltName=${options.subjectAltName}`]),
  ]);
  const privateKey = createPrivateKey(await readFile(keyPath));
  return { certPath, keyPath, privateKey, publicKey: createPublicKey(privateKey) };
}
