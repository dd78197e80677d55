import type { InStatement, ResultSet } from "@libsql/client";
import { newId } from "../ids.js";
import type { WebhookPush } from "../schema/index.js";
import type { RepositoryContext } from "./context.js";
import {
  INSERT_DELIVERY,
  INSERT_JOBS,
  type JobTuple,
  SELECT_DELIVERY,
  SET_JOB_IDS,
} from "./delivery-ingest-sql.js";
import { type NewJob, newJobRow } from "./jobs.js";

export interface DeliveryIngest {
  source: string;
  deliveryKey: string;
  pushes: WebhookPush[];
  /**
   * The jobs the delivery queues, only if it is new (a redelivery queues nothing). One whose
   * coalesce key is queued already is joined, not added: `jobIds` names the job either way.
   */
  jobs: NewJob[];
  detail?: string | null;
}

export interface IngestedDelivery {
  id: string;
  created: boolean;
  jobIds: string[];
  /** Those of `jobIds` this delivery queued (the others it joined): the ones to wake a runner for. */
  newJobIds: string[];
}

interface Waiting {
  input: DeliveryIngest;
  resolve(result: IngestedDelivery): void;
  reject(error: unknown): void;
}

/**
 * Group commit for webhook deliveries: every delivery that arrives while the event loop is
 * busy is written in the same transaction, so under load one commit serves many requests
 * instead of each paying for its own. A lone delivery waits one loop turn.
 */
export function deliveryGroupCommit(
  ctx: RepositoryContext,
): (input: DeliveryIngest) => Promise<IngestedDelivery> {
  let waiting: Waiting[] = [];

  const flush = () =>
    ctx.exclusive(async () => {
      const group = waiting;
      waiting = [];
      if (group.length === 0) return;
      const now = ctx.now();
      const planned = group.map((w) => ({ ...w, ...statementsFor(w.input, now) }));
      let results: ResultSet[] | undefined;
      try {
        results = await ctx.client.batch(
          planned.flatMap((p) => p.statements),
          "write",
        );
      } catch {
        // One bad delivery must not fail the others: write each alone and let it answer for itself.
      }
      let offset = 0;
      for (const p of planned) {
        try {
          const own = results
            ? results.slice(offset, offset + p.statements.length)
            : await ctx.client.batch(p.statements, "write");
          offset += p.statements.length;
          const id = own[0]?.rows[0]?.id;
          const stored = own[2]?.rows[0]?.job_ids;
          const jobIds: string[] = typeof stored === "string" ? JSON.parse(stored) : [];
          p.resolve(
            typeof id === "string"
              ? { id, created: true, jobIds, newJobIds: jobIds.filter((job) => p.plannedIds.has(job)) }
              : await firstDelivery(ctx, p.input),
          );
        } catch (error) {
          p.reject(error);
        }
      }
    });

  return (input) =>
    new Promise((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (waiting.length === 1) setImmediate(() => void flush());
    });
}

/** The delivery's insert, its jobs' insert, and its pointers to the jobs that do its work. */
function statementsFor(
  input: DeliveryIngest,
  now: Date,
): { statements: InStatement[]; plannedIds: Set<string> } {
  const tuples = input.jobs.map((job): JobTuple => {
    const row = newJobRow(job, now);
    return [
      row.id,
      row.kind,
      JSON.stringify(row.payload),
      row.dedupeKey ?? null,
      row.maxAttempts ?? 5,
      row.runAt.getTime(),
      row.coalesceKey ?? null,
      job.coalesce?.afterRunningMs ?? 0,
    ];
  });
  const jobs = JSON.stringify(tuples);
  const plannedIds = new Set(tuples.map(([jobId]) => jobId));
  const id = newId(now.getTime());
  const delivery: InStatement = {
    sql: INSERT_DELIVERY,
    args: [
      id,
      input.source,
      input.deliveryKey,
      input.jobs.length > 0 ? "queued" : "ignored",
      JSON.stringify(input.pushes),
      "[]",
      input.detail ?? null,
      now.getTime(),
    ],
  };
  if (input.jobs.length === 0) return { statements: [delivery], plannedIds };
  const statements = [
    delivery,
    { sql: INSERT_JOBS, args: [now.getTime(), jobs, id] },
    { sql: SET_JOB_IDS, args: [id, jobs] },
  ];
  return { statements, plannedIds };
}
async function firstDelivery(ctx: RepositoryContext, input: DeliveryIngest): Promise<IngestedDelivery> {
  const [first] = (
    await ctx.client.execute({ sql: SELECT_DELIVERY, args: [input.source, input.deliveryKey] })
  ).rows;
  if (!first) throw new Error("webhook delivery neither inserted nor found");
  const jobIds = JSON.parse(String(first.job_ids)) as string[];
  return { id: String(first.id), created: false, jobIds, newJobIds: [] };
}
