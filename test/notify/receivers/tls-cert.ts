import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir, removeTempDir, runCommand } from "@bridgeport/test/harness";

export interface LoopbackCert {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost (the IP is a subjectAltName: TLS
 * clients check it there, not in the CN). The bot trusts it as a CA, the way a team would
 * trust a private relay's.
 */
export async function loopbackCert(): Promise<LoopbackCert> {
  const dir = await makeTempDir("notify-cert");
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
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
      "/CN=bridgeport-notify-test",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]);
    return { key: await readFile(keyPath, "utf8"), cert: await readFile(certPath, "utf8") };
  } finally {
    await removeTempDir(dir);
  }
}
