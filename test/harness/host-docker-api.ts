import { request } from "node:http";
import type { Readable } from "node:stream";
import { z } from "zod";

export interface DockerApiResponse {
  status: number;
  body: string;
}

/**
 * One Docker Engine API call over a unix socket. The harness needs only a handful (ping, list and
 * remove containers, import an image), so it speaks HTTP directly instead of depending on a client.
 */
export function dockerApi(
  socketPath: string,
  method: string,
  path: string,
  options: { body?: Readable; contentType?: string; timeoutMs?: number } = {},
): Promise<DockerApiResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
    const req = request(
      { socketPath, method, path, headers, timeout: options.timeoutMs ?? 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} on ${socketPath} timed out`)));
    req.on("error", reject);
    if (options.body === undefined) req.end();
    else options.body.pipe(req);
  });
}

/** True when the engine behind `socketPath` answers `GET /_ping` with OK. */
export async function pingDocker(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  const res = await dockerApi(socketPath, "GET", "/_ping", { timeoutMs });
  return res.status === 200 && res.body === "OK";
}

const ContainerList = z.array(z.object({ Id: z.string() }));

/** Force-removes every container on the engine (running or not) with its anonymous volumes. */
export async function removeAllContainers(socketPath: string): Promise<number> {
  const list = await dockerApi(socketPath, "GET", "/containers/json?all=1");
  if (list.status !== 200) throw new Error(`listing containers failed: ${list.status} ${list.body}`);
  const ids = ContainerList.parse(JSON.parse(list.body)).map((c) => c.Id);
  await Promise.all(
    ids.map(async (id) => {
      const res = await dockerApi(socketPath, "DELETE", `/containers/${id}?force=1&v=1`, {
        timeoutMs: 30_000,
      });
      if (res.status !== 204 && res.status !== 404) throw new Error(`removing ${id} failed: ${res.status}`);
    }),
  );
  return ids.length;
}
