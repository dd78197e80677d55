import { Worker } from "node:worker_threads";

export interface WalCheckpointer {
  /** Resolves once the thread has checkpointed for the first time. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL database from a worker thread. libsql runs every statement on the calling
 * thread, and SQLite's automatic checkpoint runs inside whichever commit takes the WAL past
 * its limit: that commit then copies a thousand pages back and fsyncs, stalling the event loop
 * for 10 to 30 ms (measured under webhook load). With this thread checkpointing every
 * `everyMs`, the WAL stays small and commits on the event loop never do that work; the main
 * connection keeps a higher automatic limit only as a backstop should the thread fall behind.
 * A failed checkpoint is tried again on the next tick; `onError` hears of it.
 */
export function startWalCheckpointer(
  url: string,
  everyMs: number,
  onError: (message: string) => void = () => {},
): WalCheckpointer {
  const worker = new Worker(new URL("./wal-checkpointer.worker.mjs", import.meta.url), {
    workerData: { url, everyMs },
    // Plain JavaScript: no loader hooks of the parent's (tsx) to start first.
    execArgv: [],
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  // A database closed (and perhaps deleted) before the thread got going is not an error.
  let stopping = false;
  const report = (message: string) => {
    if (!stopping) onError(message);
  };
  const ready = new Promise<void>((resolve) => {
    worker.on("message", (message: { ready?: true; error?: string }) => {
      if (message.ready) resolve();
      if (message.error) report(message.error);
    });
    void exited.then(resolve);
  });
  worker.on("error", (error) => report(String(error)));
  return {
    ready,
    async stop() {
      stopping = true;
      // Unreferenced, the thread would let the process exit before it has stopped, and the
      // awaiting caller (a shutdown with work after the close) would never resume.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
