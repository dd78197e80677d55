import type { LibsqlDatabase, Store } from "@bridgeport/core";
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
/** Saturation rounds alternate between the servers, so machine noise falls on all of them alike. */
export const SATURATION = { inFlight: 32, seconds: 2.5, rounds: 2 };
const WARM_UP = { inFlight: 8, seconds: 1.5 };

export interface SideResult {
  open_loop: OpenLoopResult;
  /** 2xx per second over all rounds, and each round as measured. */
  saturation: { rps: number; rounds: ClosedLoopResult[] };
  /** What the server's database holds afterwards: every 2xx must be a delivery with its job. */
  stored: { deliveries: number; jobs: Record<string, number> };
  /** Answers with 2xx across warm-up, open loop and saturation. */
  answered_2xx: number;
}

export interface Side {
  name: string;
  start: () => Promise<ServerUnderTest<unknown>>;
}

/**
 * Starts every server, then loads one at a time while the others are paused (SIGSTOP), so an
 * idle server's background work (the bot's job runner) never takes CPU from the one measured:
 * each gets a warm-up and the open loop, then saturation rounds taken in turn. At the end every
 * server is stopped and its database counted, so a 2xx that stored nothing would show.
 */
export async function measureSides(
  sides: readonly Side[],
  secrets: ServerSecrets,
  makeBody: () => string,
): Promise<SideResult[]> {
  const running: { side: Side; server: ServerUnderTest<unknown>; target: LoadTarget }[] = [];
  const signal = (server: ServerUnderTest<unknown>, name: "SIGSTOP" | "SIGCONT") => {
    const pid = server.process.pid;
    if (pid !== undefined && server.process.exitStatus() === null) process.kill(pid, name);
  };
  const only = (active: ServerUnderTest<unknown>) => {
    for (const r of running) if (r.server !== active) signal(r.server, "SIGSTOP");
    signal(active, "SIGCONT");
  };
  try {
    for (const side of sides) {
      process.stderr.write(`${side.name}: starting...\n`);
      const server = await side.start();
      running.push({ side, server, target: targetOf(server, secrets) });
      signal(server, "SIGSTOP");
    }
    const results = running.map(() => ({
      ok: 0,
      open: null as OpenLoopResult | null,
      rounds: [] as ClosedLoopResult[],
    }));
    for (const [i, r] of running.entries()) {
      only(r.server);
      const warm = await closedLoop(r.target, makeBody, WARM_UP);
      process.stderr.write(`${r.side.name}: open loop ${OPEN_LOOP.rps}/s for ${OPEN_LOOP.seconds} s...\n`);
      const open = await openLoop(r.target, makeBody, OPEN_LOOP);
      const result = results[i] as (typeof results)[number];
      result.ok += warm.ok + open.ok;
      result.open = open;
    }
    for (let round = 1; round <= SATURATION.rounds; round++) {
      for (const [i, r] of running.entries()) {
        only(r.server);
        process.stderr.write(
          `${r.side.name}: saturation round ${round}, ${SATURATION.inFlight} in flight...\n`,
        );
        const measured = await closedLoop(r.target, makeBody, SATURATION);
        const result = results[i] as (typeof results)[number];
        result.ok += measured.ok;
        result.rounds.push(measured);
      }
    }
    for (const r of running) signal(r.server, "SIGCONT");
    const out: SideResult[] = [];
    for (const [i, r] of running.entries()) {
      const result = results[i] as (typeof results)[number];
      const stored = await r.server.stop(count);
      if (!stored || !result.open) throw new Error(`${r.side.name}: nothing measured`);
      const seconds = result.rounds.reduce((sum, m) => sum + m.seconds, 0);
      const ok = result.rounds.reduce((sum, m) => sum + m.ok, 0);
      out.push({
        open_loop: result.open,
        saturation: { rps: Number((ok / seconds).toFixed(1)), rounds: result.rounds },
        stored,
        answered_2xx: result.ok,
      });
    }
    running.length = 0;
    return out;
  } finally {
    for (const r of running) signal(r.server, "SIGCONT");
    for (const r of running) await r.server.stop().catch(() => undefined);
  }
}

function targetOf(server: ServerUnderTest<unknown>, secrets: ServerSecrets): LoadTarget {
  return {
    origin: server.origin,
    path: "/webhooks/distribution",
    headers: { "content-type": DISTRIBUTION_CONTENT_TYPE, authorization: secrets.webhookSecret },
  };
}

async function count(_store: Store, client: LibsqlDatabase["client"]) {
  const deliveries = await client.execute("select count(*) as n from webhook_deliveries");
  const jobs = await client.execute("select status, count(*) as n from jobs group by status");
  return {
    deliveries: Number(deliveries.rows[0]?.n ?? 0),
    jobs: Object.fromEntries(jobs.rows.map((row) => [String(row.status), Number(row.n)])),
  };
}
