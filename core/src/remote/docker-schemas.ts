import { z } from "zod";

/**
 * The parts of Docker Engine answers this module reads. Objects that are sent back to the
 * engine when a container is re-created (Config, HostConfig) keep their unknown fields, so
 * settings this code does not know about survive a replacement.
 */

const stringList = z.array(z.string()).nullish();
const labels = z.record(z.string(), z.string()).nullish();

export const healthConfigSchema = z.looseObject({
  Test: stringList,
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  Retries: z.number().optional(),
  StartPeriod: z.number().optional(),
});

export const containerConfigSchema = z.looseObject({
  Hostname: z.string().optional(),
  Domainname: z.string().optional(),
  User: z.string().optional(),
  Env: stringList,
  Cmd: stringList,
  Entrypoint: stringList,
  Image: z.string(),
  WorkingDir: z.string().optional(),
  Labels: labels,
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  Healthcheck: healthConfigSchema.nullish(),
  StopSignal: z.string().optional(),
});
export type ContainerConfig = z.infer<typeof containerConfigSchema>;

export const restartPolicySchema = z.looseObject({
  Name: z.string().optional(),
  MaximumRetryCount: z.number().optional(),
});

export const hostConfigSchema = z.looseObject({
  NetworkMode: z.string().optional(),
  RestartPolicy: restartPolicySchema.nullish(),
  Binds: stringList,
  Mounts: z.array(z.looseObject({ Target: z.string().optional() })).nullish(),
});
export type HostConfig = z.infer<typeof hostConfigSchema>;

export const endpointSettingsSchema = z.looseObject({
  IPAMConfig: z.unknown().nullish(),
  Links: stringList,
  Aliases: stringList,
  NetworkID: z.string().optional(),
});

export const containerInspectSchema = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  Image: z.string(),
  State: z.looseObject({
    Status: z.string(),
    Running: z.boolean(),
    ExitCode: z.number().optional(),
    Health: z
      .looseObject({
        Status: z.string(),
        FailingStreak: z.number().optional(),
        Log: z
          .array(z.looseObject({ ExitCode: z.number().optional(), Output: z.string().optional() }))
          .nullish(),
      })
      .nullish(),
  }),
  Config: containerConfigSchema,
  HostConfig: hostConfigSchema,
  NetworkSettings: z
    .looseObject({ Networks: z.record(z.string(), endpointSettingsSchema).nullish() })
    .nullish(),
  Mounts: z
    .array(
      z.looseObject({
        Type: z.string().optional(),
        Name: z.string().optional(),
        Destination: z.string(),
        RW: z.boolean().optional(),
      }),
    )
    .nullish(),
});
export type ContainerInspect = z.infer<typeof containerInspectSchema>;

export const imageInspectSchema = z.looseObject({
  Id: z.string(),
  RepoTags: stringList,
  RepoDigests: stringList,
  Config: z
    .looseObject({
      User: z.string().optional(),
      Env: stringList,
      Cmd: stringList,
      Entrypoint: stringList,
      WorkingDir: z.string().optional(),
      Labels: labels,
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Volumes: z.record(z.string(), z.unknown()).nullish(),
      Healthcheck: healthConfigSchema.nullish(),
      StopSignal: z.string().optional(),
    })
    .nullish(),
});
export type ImageInspect = z.infer<typeof imageInspectSchema>;

export const containerSummarySchema = z.looseObject({
  Id: z.string(),
  Names: z.array(z.string()),
  Image: z.string(),
  ImageID: z.string(),
  Labels: labels,
  State: z.string(),
  Status: z.string().optional(),
});
export const containerListSchema = z.array(containerSummarySchema);

export const createdSchema = z.looseObject({ Id: z.string(), Warnings: stringList });

export const pullProgressSchema = z.looseObject({
  status: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.looseObject({ message: z.string().optional() }).optional(),
});

export const pruneSchema = z.looseObject({
  ImagesDeleted: z.array(z.record(z.string(), z.string())).nullish(),
  SpaceReclaimed: z.number(),
});
