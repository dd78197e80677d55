import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

export interface TcpRelay {
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** Drops every connection through the relay at once, as a lost link does. */
  cut(): void;
  stop(): Promise<void>;
}

export interface TcpRelayOptions {
  /**
   * Hands what the target sends to the client in one write per window of this many ms, so the
   * client reads several of the target's packets in one chunk, as a busy client does. Off (0)
   * by default: bytes pass through as they come.
   */
  batchMs?: number;
}

/**
 * A TCP relay on 127.0.0.1 to `host:port`, for link faults a test must cause itself: a cut
 * connection, or a target's packets arriving together.
 *
 * @example
 * const relay = await startTcpRelay(sshd.host, sshd.port, { batchMs: 50 });
 * const ssh = await SshConnection.connect({ ...target, host: "127.0.0.1", port: relay.port });
 */
export async function startTcpRelay(
  host: string,
  port: number,
  options: TcpRelayOptions = {},
): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = netConnect(port, host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    if (!options.batchMs) {
      upstream.pipe(client);
      return;
    }
    let held: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    upstream.on("data", (chunk: Buffer) => {
      held.push(chunk);
      timer ??= setTimeout(() => {
        timer = null;
        const batch = Buffer.concat(held);
        held = [];
        if (!client.destroyed) client.write(batch);
      }, options.batchMs);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: typeof address === "object" && address ? address.port : 0,
    cut,
    stop: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
