import { createServer } from "node:net";

/**
 * Asks the kernel for a port that is free right now on `host`. Another process can still take
 * it before the caller binds, so starters retry when their child reports "address already in use".
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error(`could not read the port bound on ${host}`));
        return;
      }
      server.close((error) => (error ? reject(error) : resolve(address.port)));
    });
  });
}
