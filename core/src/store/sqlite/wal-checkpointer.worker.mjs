// The WAL checkpointer's thread (wal-checkpointer.ts): its own connection to the database file,
// copying the write-ahead log back into the database every `everyMs`, so the page copies and
// fsyncs of a checkpoint never stall the event loop that serves requests.
import { parentPort, workerData } from "node:worker_threads";
import { createClient } from "@libsql/client";

const { url, everyMs } = workerData;
const client = createClient({ url });

async function checkpoint() {
  try {
    // PASSIVE: copies what no reader still needs, and never waits for or blocks a writer.
    await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort?.postMessage({ error: `WAL checkpoint failed: ${String(error)}` });
  }
}

await checkpoint();
parentPort?.postMessage({ ready: true });
const timer = setInterval(() => void checkpoint(), everyMs);

parentPort?.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  client.close();
  parentPort?.close();
});
