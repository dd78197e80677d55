import type { Database, Store } from "@bridgeport/core";
import {
  type ClosedLoopResult,
  closedLoop,
  type LoadTarget,
  type OpenLoopResult,
  openLoop,
} from "./webhook-ingest-load.js";
import { DISTRIBUTION_CONTENT_TYPE } from "./webhook-ingest-payload.js";
import type { ServerSecrets, ServerUnderTest } from "./webhook-ingest-servers.js";

export const OPEN_LOOP = { rps: 1_000, seconds: 10, graceMs: 2_000 };
export const SATURATION = { inFlight: 32, seconds: 5 };
const WARM_UP = { inFlight: 8, seconds: 1.5 };

export interface SideResult {
  open_loop: OpenLoopResult;
  saturation: ClosedLoopResult;
  /** What the server's database holds afterwards: every 2xx must be one delivery and one job. */
  stored: { deliveries: number; jobs: Record<string, number> };
  /** Answers with 2xx across warm-up, open loop and saturation. */
  answered_2xx: number;
}

/**
 * Warm-up, the open loop, then saturation, against one server process; then the server is
 * stopped and its database counted, so a 2xx that stored nothing would show.
 */
export async function measureSide(
  name: string,
  start: () => Promise<ServerUnderTest<unknown>>,
  secrets: ServerSecrets,
  makeBody: () => string,
): Promise<SideResult> {
  process.stderr.write(`${name}: starting...\n`);
  const server = await start();
  let stopped = false;
  try {
    const target: LoadTarget = {
      origin: server.origin,
      path: "/webhooks/distribution",
      headers: { "content-type": DISTRIBUTION_CONTENT_TYPE, authorization: secrets.webhookSecret },
    };
    const warm = await closedLoop(target, makeBody, WARM_UP);
    process.stderr.write(`${name}: open loop ${OPEN_LOOP.rps}/s for ${OPEN_LOOP.seconds} s...\n`);
    const open = await openLoop(target, makeBody, OPEN_LOOP);
    process.stderr.write(
      `${name}: saturation, ${SATURATION.inFlight} in flight for ${SATURATION.seconds} s...\n`,
    );
    const saturation = await closedLoop(target, makeBody, SATURATION);
    stopped = true;
    const stored = await server.stop(count);
    if (!stored) throw new Error(`${name}: nothing counted`);
    return { open_loop: open, saturation, stored, answered_2xx: warm.ok + open.ok + saturation.ok };
  } finally {
    if (!stopped) await server.stop();
  }
}

async function count(_store: Store, client: Database["client"]) {
  const deliveries = await client.execute("select count(*) as n from webhook_deliveries");
  const jobs = await client.execute("select status, count(*) as n from jobs group by status");
  return {
    deliveries: Number(deliveries.rows[0]?.n ?? 0),
    jobs: Object.fromEntries(jobs.rows.map((row) => [String(row.status), Number(row.n)])),
  };
}
