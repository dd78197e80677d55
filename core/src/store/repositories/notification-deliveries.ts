import { and, asc, desc, eq, gt, inArray, isNull, lt, min, sql } from "drizzle-orm";
import {
  type DeliveryEvent,
  eventSubject,
  type NotificationEvent,
  ONCE_PER_SUBJECT,
} from "../../notify/events.js";
import { newId } from "../ids.js";
import type { StoreTables } from "../schema/tables.js";
import { ID, type RepositoryContext, read, type Tx, write } from "./context.js";
import { newJobRow } from "./jobs.js";

export type NotificationDelivery = StoreTables["notificationDeliveries"]["$inferSelect"];

/** The queue job that sends a channel's due messages, one at a time, in order. */
export const NOTIFY_JOB = "notify";

export interface RecordOptions {
  /** How long a message that can fold waits for repeats of its event before it goes. */
  foldWindowMs: number;
  /** A channel not to tell (the failing channel, about itself). */
  exceptChannelId?: string;
}

export interface RecordedEvent {
  /** Messages queued: one per subscribed channel that had none waiting for this event. */
  queued: number;
  /** Channels where the event joined a message already waiting. */
  folded: number;
}

/** What a channel's queue holds for its sender now. */
export type NextDelivery =
  | { kind: "idle" }
  | { kind: "later"; at: Date }
  /** Another live sender is mid-attempt on the head of the queue. */
  | { kind: "busy"; until: Date }
  | { kind: "send"; delivery: NotificationDelivery };

export type DeliveryOutcome =
  | { kind: "delivered"; status: number | null }
  | { kind: "retry"; error: string; status: number | null; at: Date }
  | { kind: "failed"; error: string; status: number | null };

export interface FailingPolicy {
  /** A channel failing this long without a delivery in between is reported once. */
  failingAfterMs: number;
  foldWindowMs: number;
}

export interface NotificationDeliveryRepository {
  /**
   * Queues `event` for every enabled channel of its environment that subscribes to it, in one
   * transaction, with a sender job per channel. A repeat of an event whose message still waits
   * is folded into that message (its count grows, its facts are the latest); an event that
   * happens once per subject (a plan's start) and is already recorded is not recorded again.
   */
  record(event: NotificationEvent, options: RecordOptions): Promise<RecordedEvent>;
  /**
   * The head of a channel's queue, claimed for `jobId` when it is due: messages go one at a
   * time in the order they were queued. A head left `sending` by a sender that died is taken over.
   */
  takeNext(channelId: string, jobId: string): Promise<NextDelivery>;
  /**
   * Records an attempt's outcome, if `jobId` still holds the delivery. A failure starts (or
   * continues) the channel's failing streak, a delivery ends it; a streak older than
   * `failingAfterMs` is reported once to the environment's other channels.
   */
  finish(id: string, jobId: string, outcome: DeliveryOutcome, policy: FailingPolicy): Promise<boolean>;
  /** Logs a test message sent outside the queue, under the id it was sent with. */
  recordTest(
    channelId: string,
    id: string,
    outcome: Exclude<DeliveryOutcome, { kind: "retry" }>,
  ): Promise<NotificationDelivery>;
  /** Makes sure a sender job for the channel is queued at `at` or earlier. */
  schedule(channelId: string, at: Date): Promise<void>;
  /** Queues a sender for every channel with unsent messages (at start: none is stranded). */
  scheduleAll(): Promise<number>;
  /** Newest first. */
  list(channelId: string, options?: { limit?: number }): Promise<NotificationDelivery[]>;
  get(id: string): Promise<NotificationDelivery | undefined>;
  /** Deletes up to `limit` delivered or failed messages last updated before `before`. */
  purgeFinished(before: Date, limit: number): Promise<number>;
}

const UNFINISHED = ["queued", "sending"] as const;

/**
 * Across processes (PostgreSQL): `record` locks the event's environment row first, so two
 * processes recording for its channels take turns (a repeat folds into the message the other
 * queued, an event once per subject is recorded once); `schedule` relies on the one queued job
 * per coalesce key (an insert that loses the race moves the winner's run time instead);
 * `takeNext` claims the head with a conditional write (only while it is as it was read: two
 * senders never both take it); `finish` is conditional on the sender still holding the
 * delivery, and its channel update holds that row until commit, so a failing streak is
 * reported once; the rest are single statements.
 */
export function createNotificationDeliveryRepository(ctx: RepositoryContext): NotificationDeliveryRepository {
  const { environments, jobs, notificationChannels, notificationDeliveries: d } = ctx.tables;
  const getById = ctx.db.select().from(d).where(eq(d.id, ID)).prepare();

  /** Makes sure each channel has its sender job queued at `at` or earlier: a few statements for any number. */
  async function schedule(tx: Tx, channelIds: readonly string[], at: Date, now: Date) {
    const missing = new Map(channelIds.map((id) => [`${NOTIFY_JOB}:${id}`, id]));
    // Twice at most: another process may queue a channel's sender between the read and the insert.
    for (let attempt = 0; attempt < 2 && missing.size > 0; attempt++) {
      const queued = await tx
        .select({ id: jobs.id, key: jobs.coalesceKey, runAt: jobs.runAt })
        .from(jobs)
        .where(and(inArray(jobs.coalesceKey, [...missing.keys()]), eq(jobs.status, "queued")));
      const later = queued.filter((job) => job.runAt > at).map((job) => job.id);
      if (later.length > 0)
        await tx.update(jobs).set({ runAt: at, updatedAt: now }).where(inArray(jobs.id, later));
      for (const job of queued) if (job.key !== null) missing.delete(job.key);
      if (missing.size === 0) return;
      // Its attempts count only crashes mid-run and store errors: sending failures are the deliveries'.
      const rows = [...missing].map(([key, channelId]) =>
        newJobRow(
          {
            kind: NOTIFY_JOB,
            payload: { channelId },
            coalesce: { key, afterRunningMs: 0 },
            runAt: at,
            maxAttempts: 100,
          },
          now,
        ),
      );
      const inserted = await tx
        .insert(jobs)
        .values(rows)
        .onConflictDoNothing()
        .returning({ key: jobs.coalesceKey });
      for (const { key } of inserted) if (key !== null) missing.delete(key);
    }
  }

  /**
   * The event for every subscribed channel in one pass of a few statements, whatever the
   * number of channels: their waiting messages read together, folded together, the new ones
   * inserted and their senders scheduled together.
   */
  async function recordIn(tx: Tx, event: NotificationEvent, options: RecordOptions, now: Date) {
    await ctx.dialect.lockForUpdate(tx, environments.id, event.environmentId);
    const recorded: RecordedEvent = { queued: 0, folded: 0 };
    const channels = (
      await tx
        .select({ id: notificationChannels.id, events: notificationChannels.events })
        .from(notificationChannels)
        .where(
          and(
            eq(notificationChannels.environmentId, event.environmentId),
            eq(notificationChannels.enabled, true),
          ),
        )
    ).filter((channel) => channel.events.includes(event.kind) && channel.id !== options.exceptChannelId);
    if (channels.length === 0) return recorded;
    const once = ONCE_PER_SUBJECT.has(event.kind);
    const dueAt = new Date(now.getTime() + (once ? 0 : options.foldWindowMs));
    const subject = eventSubject(event);
    const foldKeyOf = (channelId: string) => `${channelId}:${event.kind}:${subject}`;
    const foldKeys = channels.map((channel) => foldKeyOf(channel.id));
    // Once per subject: any message at all means it was recorded. Otherwise only a message never
    // tried yet takes repeats: one being retried stays as it was sent.
    const found = await tx
      .select({ id: d.id, foldKey: d.foldKey })
      .from(d)
      .where(
        once
          ? inArray(d.foldKey, foldKeys)
          : and(inArray(d.foldKey, foldKeys), eq(d.status, "queued"), eq(d.attempts, 0)),
      );
    const waiting = new Map(found.map((row) => [row.foldKey, row.id]));
    if (!once && waiting.size > 0) {
      await tx
        .update(d)
        .set({ folded: sql`${d.folded} + 1`, payload: event, updatedAt: now })
        .where(inArray(d.id, [...waiting.values()]));
      recorded.folded = waiting.size;
    }
    const fresh = channels.filter((channel) => !waiting.has(foldKeyOf(channel.id)));
    if (fresh.length === 0) return recorded;
    await tx.insert(d).values(
      fresh.map((channel) => ({
        id: newId(now.getTime()),
        channelId: channel.id,
        event: event.kind,
        foldKey: foldKeyOf(channel.id),
        payload: event,
        status: "queued" as const,
        dueAt,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await schedule(
      tx,
      fresh.map((channel) => channel.id),
      dueAt,
      now,
    );
    recorded.queued = fresh.length;
    return recorded;
  }

  /** A failed attempt: the streak starts or goes on; one a day old is told to the others once. */
  async function noteFailure(tx: Tx, channelId: string, error: string, policy: FailingPolicy, now: Date) {
    const [channel] = await tx
      .update(notificationChannels)
      .set({
        // The clock as the column stores it, on either engine (a number on SQLite, a timestamp on PostgreSQL).
        failingSince: sql`coalesce(${notificationChannels.failingSince}, ${sql.param(now, notificationChannels.failingSince)})`,
        lastError: error,
      })
      .where(eq(notificationChannels.id, channelId))
      .returning();
    if (!channel?.failingSince || channel.failingReportedAt !== null) return;
    if (now.getTime() - channel.failingSince.getTime() < policy.failingAfterMs) return;
    await tx
      .update(notificationChannels)
      .set({ failingReportedAt: now })
      .where(eq(notificationChannels.id, channelId));
    await recordIn(
      tx,
      {
        kind: "channel_failing",
        environmentId: channel.environmentId,
        channelId,
        channel: channel.name,
        since: channel.failingSince.toISOString(),
        error,
      },
      { foldWindowMs: policy.foldWindowMs, exceptChannelId: channelId },
      now,
    );
  }

  return {
    record: (event, options) => write(ctx, (tx) => recordIn(tx, event, options, ctx.now())),

    takeNext: (channelId, jobId) =>
      write(ctx, async (tx): Promise<NextDelivery> => {
        const now = ctx.now();
        const [head] = await tx
          .select()
          .from(d)
          .where(and(eq(d.channelId, channelId), inArray(d.status, UNFINISHED)))
          .orderBy(asc(d.createdAt), asc(d.id))
          .limit(1);
        if (!head) return { kind: "idle" };
        if (head.status === "sending" && head.lockedBy !== jobId && head.lockedBy !== null) {
          const [holder] = await tx
            .select({ lockedUntil: jobs.lockedUntil })
            .from(jobs)
            .where(and(eq(jobs.id, head.lockedBy), eq(jobs.status, "running"), gt(jobs.lockedUntil, now)));
          if (holder?.lockedUntil) return { kind: "busy", until: holder.lockedUntil };
        } else if (head.status === "queued" && head.dueAt > now) {
          return { kind: "later", at: head.dueAt };
        }
        const [claimed] = await tx
          .update(d)
          .set({ status: "sending", lockedBy: jobId, attempts: sql`${d.attempts} + 1`, updatedAt: now })
          .where(
            and(
              eq(d.id, head.id),
              eq(d.status, head.status),
              head.lockedBy === null ? isNull(d.lockedBy) : eq(d.lockedBy, head.lockedBy),
            ),
          )
          .returning();
        // Not as it was read: another sender took it meanwhile, and sends it.
        return claimed ? { kind: "send", delivery: claimed } : { kind: "idle" };
      }),

    finish: (id, jobId, outcome, policy) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const common = { lockedBy: null, responseStatus: outcome.status, updatedAt: now };
        const set =
          outcome.kind === "delivered"
            ? { ...common, status: "delivered" as const, deliveredAt: now, lastError: null }
            : outcome.kind === "retry"
              ? { ...common, status: "queued" as const, dueAt: outcome.at, lastError: outcome.error }
              : { ...common, status: "failed" as const, lastError: outcome.error };
        const [done] = await tx
          .update(d)
          .set(set)
          .where(and(eq(d.id, id), eq(d.lockedBy, jobId), eq(d.status, "sending")))
          .returning({ channelId: d.channelId });
        if (!done) return false;
        if (outcome.kind === "delivered") {
          await tx
            .update(notificationChannels)
            .set({ failingSince: null, failingReportedAt: null, lastError: null, lastDeliveredAt: now })
            .where(eq(notificationChannels.id, done.channelId));
        } else {
          await noteFailure(tx, done.channelId, outcome.error, policy, now);
        }
        return true;
      }),

    recordTest: (channelId, id, outcome) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const event: DeliveryEvent = "test";
        const [row] = await tx
          .insert(d)
          .values({
            id,
            channelId,
            event,
            foldKey: `${channelId}:test:${id}`,
            payload: {},
            status: outcome.kind === "delivered" ? "delivered" : "failed",
            attempts: 1,
            dueAt: now,
            responseStatus: outcome.status,
            lastError: outcome.kind === "failed" ? outcome.error : null,
            deliveredAt: outcome.kind === "delivered" ? now : null,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!row) throw new Error("delivery insert returned no row");
        return row;
      }),

    schedule: (channelId, at) => write(ctx, (tx) => schedule(tx, [channelId], at, ctx.now())),

    scheduleAll: () =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const waiting = await tx
          .select({ channelId: d.channelId, dueAt: min(d.dueAt) })
          .from(d)
          .where(inArray(d.status, UNFINISHED))
          .groupBy(d.channelId);
        for (const { channelId, dueAt } of waiting) await schedule(tx, [channelId], dueAt ?? now, now);
        return waiting.length;
      }),

    list: (channelId, options = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(d)
          .where(eq(d.channelId, channelId))
          .orderBy(desc(d.createdAt), desc(d.id))
          .limit(options.limit ?? 100),
      ),

    get: (id) => read(ctx, async () => (await getById.execute({ id }))[0]),

    purgeFinished: (before, limit) =>
      write(ctx, async (tx) => {
        const old = tx
          .select({ id: d.id })
          .from(d)
          .where(and(inArray(d.status, ["delivered", "failed"]), lt(d.updatedAt, before)))
          .limit(limit);
        const deleted = await tx.delete(d).where(inArray(d.id, old)).returning({ id: d.id });
        return deleted.length;
      }),
  };
}
