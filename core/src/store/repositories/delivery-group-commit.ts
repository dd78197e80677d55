import type { InStatement, ResultSet } from "@libsql/client";
import { newId } from "../ids.js";
import type { WebhookPush } from "../schema/index.js";
import type { RepositoryContext } from "./context.js";
import { INSERT_DELIVERY, INSERT_JOBS, type JobTuple, SELECT_DELIVERY } from "./delivery-ingest-sql.js";
import { type NewJob, newJobRow } from "./jobs.js";

export interface DeliveryIngest {
  source: string;
  deliveryKey: string;
  pushes: WebhookPush[];
  /** The jobs the delivery queues: their dedupe keys must derive from the delivery key. */
  jobs: NewJob[];
  detail?: string | null;
}

export interface IngestedDelivery {
  id: string;
  created: boolean;
  jobIds: string[];
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
          p.resolve(
            typeof id === "string"
              ? { id, created: true, jobIds: p.jobIds }
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

/** The delivery's insert and its jobs' insert; a redelivery's jobs carry the first one's dedupe keys, so insert nothing. */
function statementsFor(input: DeliveryIngest, now: Date): { statements: InStatement[]; jobIds: string[] } {
  const jobs: JobTuple[] = input.jobs.map((job) => {
    const row = newJobRow(job, now);
    return [
      row.id,
      row.kind,
      JSON.stringify(row.payload),
      row.dedupeKey ?? null,
      row.maxAttempts ?? 5,
      row.runAt.getTime(),
    ];
  });
  const jobIds = jobs.map(([id]) => id);
  const delivery: InStatement = {
    sql: INSERT_DELIVERY,
    args: [
      newId(now.getTime()),
      input.source,
      input.deliveryKey,
      jobIds.length > 0 ? "queued" : "ignored",
      JSON.stringify(input.pushes),
      JSON.stringify(jobIds),
      input.detail ?? null,
      now.getTime(),
    ],
  };
  const statements =
    jobs.length > 0
      ? [delivery, { sql: INSERT_JOBS, args: [now.getTime(), JSON.stringify(jobs)] }]
      : [delivery];
  return { statements, jobIds };
}

async function firstDelivery(ctx: RepositoryContext, input: DeliveryIngest): Promise<IngestedDelivery> {
  const [first] = (
    await ctx.client.execute({ sql: SELECT_DELIVERY, args: [input.source, input.deliveryKey] })
  ).rows;
  if (!first) throw new Error("webhook delivery neither inserted nor found");
  return { id: String(first.id), created: false, jobIds: JSON.parse(String(first.job_ids)) as string[] };
}
