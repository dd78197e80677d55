import { z } from "zod";

/**
 * The parts of Swarm answers (Engine API v1.41) this module reads. A service's spec is sent back
 * whole on update, so every object in it keeps its unknown fields: settings this code does not
 * know about (mounts, secrets, placement, resources...) survive a deploy untouched.
 */

export const SWARM_UPDATE_STATES = [
  "updating",
  "paused",
  "completed",
  "rollback_started",
  "rollback_paused",
  "rollback_completed",
] as const;
export type SwarmUpdateState = (typeof SWARM_UPDATE_STATES)[number];

/** The service's own rolling settings (durations in nanoseconds, as Swarm keeps them). */
export const swarmUpdateConfigSchema = z.looseObject({
  Parallelism: z.number().optional(),
  Delay: z.number().optional(),
  FailureAction: z.string().optional(),
  Monitor: z.number().optional(),
  MaxFailureRatio: z.number().optional(),
  Order: z.string().optional(),
});
export type SwarmUpdateConfig = z.infer<typeof swarmUpdateConfigSchema>;

export const swarmServiceSpecSchema = z.looseObject({
  Name: z.string(),
  TaskTemplate: z.looseObject({
    ContainerSpec: z.looseObject({ Image: z.string() }),
    ForceUpdate: z.number().optional(),
  }),
  Mode: z
    .looseObject({
      Replicated: z.looseObject({ Replicas: z.number().optional() }).optional(),
      Global: z.looseObject({}).optional(),
    })
    .optional(),
  UpdateConfig: swarmUpdateConfigSchema.nullish(),
});
export type SwarmServiceSpec = z.infer<typeof swarmServiceSpecSchema>;

export const swarmUpdateStatusSchema = z.looseObject({
  State: z.string().optional(),
  StartedAt: z.string().optional(),
  CompletedAt: z.string().optional(),
  Message: z.string().optional(),
});

export const swarmServiceSchema = z.looseObject({
  ID: z.string(),
  Version: z.looseObject({ Index: z.number() }),
  Spec: swarmServiceSpecSchema,
  PreviousSpec: swarmServiceSpecSchema.nullish(),
  UpdateStatus: swarmUpdateStatusSchema.nullish(),
});
export type SwarmService = z.infer<typeof swarmServiceSchema>;
export const swarmServiceListSchema = z.array(swarmServiceSchema);

export const swarmTaskSchema = z.looseObject({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().optional(),
  Slot: z.number().optional(),
  DesiredState: z.string(),
  CreatedAt: z.string().optional(),
  Spec: z.looseObject({ ContainerSpec: z.looseObject({ Image: z.string().optional() }).optional() }),
  Status: z.looseObject({
    State: z.string(),
    Message: z.string().optional(),
    Err: z.string().optional(),
  }),
});
export type SwarmTask = z.infer<typeof swarmTaskSchema>;
export const swarmTaskListSchema = z.array(swarmTaskSchema);

export const swarmInfoSchema = z.looseObject({
  Swarm: z.looseObject({
    LocalNodeState: z.string(),
    ControlAvailable: z.boolean().optional(),
    NodeID: z.string().optional(),
  }),
});
