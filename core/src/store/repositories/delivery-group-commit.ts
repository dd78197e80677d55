import type { DeliveryGroupWritten, DeliveryTuple, JobTuple } from "../dialect.js";
import { newId } from "../ids.js";
import type { WebhookPush } from "../schema/index.js";
import type { RepositoryContext } from "./context.js";
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

/** A waiting delivery with its row and its jobs' rows. */
interface Planned extends Waiting {
  id: string;
  delivery: DeliveryTuple;
  jobs: JobTuple[];
}

/**
 * Group commit for webhook deliveries: every delivery that arrives while the event loop is
 * busy is written in the same transaction, and in the same three statements, so under load
 * one commit serves many requests instead of each paying for its own. A lone delivery waits
 * one loop turn. One group is written at a time, and it is taken when its turn comes (on
 * libsql, after the store calls before it), so it holds everything that arrived meanwhile. The
 * statements are the dialect's (dialect.ts); on PostgreSQL the delivery key's unique index
 * deduplicates across replicas too.
 */
export function deliveryGroupCommit(
  ctx: RepositoryContext,
): (input: DeliveryIngest) => Promise<IngestedDelivery> {
  let waiting: Waiting[] = [];
  let previous: Promise<void> = Promise.resolve();

  const flush = async () => {
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    const now = ctx.now();
    const planned: Planned[] = [];
    for (const w of group) {
      try {
        planned.push(plan(w, now));
      } catch (error) {
        w.reject(error);
      }
    }
    if (planned.length === 0) return;
    let written: DeliveryGroupWritten | undefined;
    try {
      written = await writeGroup(ctx, planned, now);
    } catch {
      // One bad delivery must not fail the others: write each alone and let it answer for itself.
    }
    for (const p of planned) {
      try {
        p.resolve(await answer(ctx, p, written ?? (await writeGroup(ctx, [p], now))));
      } catch (error) {
        p.reject(error);
      }
    }
  };

  // flush settles every promise it took; the catch only keeps the chain going should it throw.
  const schedule = () => {
    previous = previous.then(() => ctx.dialect.exclusive(flush)).catch(() => undefined);
  };

  return (input) =>
    new Promise((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (waiting.length === 1) setImmediate(schedule);
    });
}

function plan(waiting: Waiting, now: Date): Planned {
  const { input } = waiting;
  const id = newId(now.getTime());
  const jobs = input.jobs.map((job): JobTuple => {
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
      id,
    ];
  });
  const outcome = jobs.length > 0 ? "queued" : "ignored";
  const delivery: DeliveryTuple = [
    id,
    input.source,
    input.deliveryKey,
    outcome,
    JSON.stringify(input.pushes),
    input.detail ?? null,
  ];
  return { ...waiting, id, delivery, jobs };
}

/** The group's deliveries, their jobs, and each delivery's pointers to the jobs doing its work. */
function writeGroup(ctx: RepositoryContext, group: Planned[], now: Date): Promise<DeliveryGroupWritten> {
  return ctx.dialect.ingestDeliveries(
    group.map((p) => p.delivery),
    group.flatMap((p) => p.jobs),
    now,
  );
}

async function answer(
  ctx: RepositoryContext,
  p: Planned,
  written: DeliveryGroupWritten,
): Promise<IngestedDelivery> {
  if (!written.created.has(p.id)) return firstDelivery(ctx, p.input);
  const jobIds = written.jobIds.get(p.id) ?? [];
  const planned = new Set(p.jobs.map(([jobId]) => jobId));
  return { id: p.id, created: true, jobIds, newJobIds: jobIds.filter((job) => planned.has(job)) };
}

async function firstDelivery(ctx: RepositoryContext, input: DeliveryIngest): Promise<IngestedDelivery> {
  const first = await ctx.dialect.findDelivery(input.source, input.deliveryKey);
  if (!first) throw new Error("webhook delivery neither inserted nor found");
  return { id: first.id, created: false, jobIds: first.jobIds, newJobIds: [] };
}
