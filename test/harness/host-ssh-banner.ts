import { connect } from "node:net";

/**
 * Connects to an SSH port and returns the first line the server sends (its version banner,
 * `SSH-2.0-OpenSSH_...`), or rejects when nothing comes within `timeoutMs`.
 */
export function readSshBanner(host: string, port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = "";
    const finish = (error: Error | null) => {
      socket.destroy();
      if (error === null) resolve(received.split("\r\n")[0] ?? "");
      else reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(`no SSH banner from ${host}:${port} in ${timeoutMs} ms`)),
    );
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n") || received.length > 255) finish(null);
    });
    socket.on("error", finish);
    socket.on("close", () => finish(new Error(`${host}:${port} closed before sending a banner`)));
  });
}
