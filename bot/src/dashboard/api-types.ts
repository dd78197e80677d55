import type { z } from "zod";
import type { DigestJson, HistoryJson, ImageJson } from "../http/image-json.js";
import type { RegistryJson } from "../http/registry-json.js";
import type { ServerJson, ServiceJson } from "../http/server-json.js";

// The API's JSON shapes, which the pages render: a page shows what the API would answer.
export type Image = z.infer<typeof ImageJson>;
export type Digest = z.infer<typeof DigestJson>;
export type HistoryEntry = z.infer<typeof HistoryJson>;
export type Registry = z.infer<typeof RegistryJson>;
export type Server = z.infer<typeof ServerJson>;
export type Service = z.infer<typeof ServiceJson>;
