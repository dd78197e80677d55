import { asc, eq } from "drizzle-orm";
import { secretLocation } from "../../crypto/stored-secrets.js";
import {
  type ChannelKind,
  type ChannelSecretField,
  type ChannelSecrets,
  type ChannelTarget,
  channelSecretsSchema,
} from "../../notify/channel-target.js";
import type { NotificationEventKind } from "../../notify/events.js";
import { newId } from "../ids.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, onDuplicate, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

/** A channel's metadata: no secret, only which secret fields are set (`secretFields`). */
export type NotificationChannel = Omit<
  StoreTables["notificationChannels"]["$inferSelect"],
  "secretCiphertext"
>;

export interface NewNotificationChannel {
  environmentId: string;
  name: string;
  kind: ChannelKind;
  events: NotificationEventKind[];
  enabled?: boolean;
  target: ChannelTarget;
  secrets: ChannelSecrets;
}

export interface NotificationChannelPatch {
  name?: string;
  events?: NotificationEventKind[];
  enabled?: boolean;
  target?: ChannelTarget;
  /** Replaces the secret fields it names and keeps the others; `null` removes one. */
  secrets?: { [K in ChannelSecretField]?: string | null };
}

export interface NotificationChannelRepository {
  create(input: NewNotificationChannel): Promise<NotificationChannel>;
  get(id: string): Promise<NotificationChannel | undefined>;
  list(filter?: { environmentId?: string }): Promise<NotificationChannel[]>;
  update(id: string, patch: NotificationChannelPatch): Promise<NotificationChannel>;
  /** Deletes the channel and its delivery log. */
  delete(id: string): Promise<void>;
  /** Decrypts the URL, signing secret or password: only for the sender. */
  getSecrets(id: string): Promise<ChannelSecrets>;
}

const ENTITY = "Notification channel";
const DUPLICATE = "A notification channel with this name already exists in this environment";
const FIELDS = ["name", "events", "enabled", "target"] as const;

/**
 * Across processes (PostgreSQL): create and update rely on the unique name per environment;
 * update locks the channel row before reading the secrets it merges the patch into (two
 * updates never drop each other's fields); the rest are single statements.
 */
export function createNotificationChannelRepository(ctx: RepositoryContext): NotificationChannelRepository {
  const { notificationChannels } = ctx.tables;
  const byId = (id: string) => eq(notificationChannels.id, id);
  const getById = ctx.db.query.notificationChannels
    .findFirst({ where: eq(notificationChannels.id, ID) })
    .prepare();
  // Bound to the channel's row: copied into another channel, the value does not decrypt.
  const secretAt = (id: string) => secretLocation(notificationChannels.secretCiphertext, id);
  const sealed = (id: string, secrets: ChannelSecrets) => {
    const parsed = channelSecretsSchema.parse(secrets);
    return {
      secretCiphertext: ctx.cipher.encrypt(JSON.stringify(parsed), secretAt(id)),
      secretFields: (Object.keys(parsed) as ChannelSecretField[]).sort(),
    };
  };
  const load = async (tx: Tx, id: string) =>
    found(await tx.query.notificationChannels.findFirst({ where: byId(id) }), ENTITY, id);
  const open = (id: string, envelope: string) =>
    channelSecretsSchema.parse(JSON.parse(ctx.cipher.decrypt(envelope, secretAt(id))));

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const id = newId(now.getTime());
        await tx
          .insert(notificationChannels)
          .values({
            id,
            environmentId: input.environmentId,
            name: input.name,
            kind: input.kind,
            events: input.events,
            enabled: input.enabled ?? true,
            target: input.target,
            ...sealed(id, input.secrets),
            createdAt: now,
            updatedAt: now,
          })
          .catch(onDuplicate(DUPLICATE));
        return toChannel(await load(tx, id));
      }),

    get: (id) =>
      read(ctx, async () => {
        const row = await getById.execute({ id });
        return row && toChannel(row);
      }),

    list: (filter = {}) =>
      read(ctx, async (db) => {
        const rows = await db
          .select()
          .from(notificationChannels)
          .where(
            filter.environmentId === undefined
              ? undefined
              : eq(notificationChannels.environmentId, filter.environmentId),
          )
          .orderBy(asc(notificationChannels.name), asc(notificationChannels.id));
        return rows.map(toChannel);
      }),

    update: (id, patch) =>
      write(ctx, async (tx) => {
        await ctx.dialect.lockForUpdate(tx, notificationChannels.id, id);
        const current = await load(tx, id);
        let secrets = {};
        if (patch.secrets !== undefined) {
          const merged: Record<string, string | undefined> = { ...open(id, current.secretCiphertext) };
          for (const [field, value] of Object.entries(patch.secrets)) {
            if (value === null) delete merged[field];
            else if (value !== undefined) merged[field] = value;
          }
          secrets = sealed(id, merged);
        }
        const [updated] = await tx
          .update(notificationChannels)
          .set({ ...pick(patch, FIELDS), ...secrets, updatedAt: ctx.now() })
          .where(byId(id))
          .returning()
          .catch(onDuplicate(DUPLICATE));
        return toChannel(found(updated, ENTITY, id));
      }),

    delete: (id) =>
      write(ctx, async (tx) => {
        const deleted = await tx
          .delete(notificationChannels)
          .where(byId(id))
          .returning({ id: notificationChannels.id });
        found(deleted[0], ENTITY, id);
      }),

    getSecrets: (id) =>
      read(ctx, async (db) => {
        const [row] = await db
          .select({ envelope: notificationChannels.secretCiphertext })
          .from(notificationChannels)
          .where(byId(id));
        return open(id, found(row, ENTITY, id).envelope);
      }),
  };
}

function toChannel({
  secretCiphertext: _,
  ...metadata
}: StoreTables["notificationChannels"]["$inferSelect"]): NotificationChannel {
  return metadata;
}
