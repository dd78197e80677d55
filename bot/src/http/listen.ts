import { type ServerType, serve } from "@hono/node-server";
import { ConfigError } from "../config.js";

/** Why a bind failed, in words that name the setting to change. */
const BIND_FAILURES: Record<string, (port: number, host: string) => string> = {
  EADDRINUSE: (port, host) =>
    `PORT ${port} on HOST ${host} is already in use: stop what listens there, or set PORT to a free port`,
  EACCES: (port, host) =>
    `PORT ${port} on HOST ${host} needs privileges this process lacks: set PORT to 1024 or above`,
  EADDRNOTAVAIL: (port, host) =>
    `HOST ${host} is not an address of this machine (PORT ${port}): set HOST to one of its addresses`,
};

/**
 * Serves `fetch` on HOST:PORT once the port is bound. A bind that fails for a reason the
 * configuration can fix is a ConfigError saying which; the server is closed then.
 */
export async function listen(
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  options: { port: number; host: string },
): Promise<{ server: ServerType; url: string }> {
  const server = serve({ fetch, port: options.port, hostname: options.host });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    server.close();
    const explain = BIND_FAILURES[(error as NodeJS.ErrnoException).code ?? ""];
    throw explain ? new ConfigError(explain(options.port, options.host), { cause: error }) : error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { server, url: `http://${options.host}:${port}` };
}
