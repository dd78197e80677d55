export * from "./auto-link.js";
export * from "./check-updates.js";
export * from "./digest-rows.js";
export * from "./image-sync.js";
export * from "./image-syncer.js";
export * from "./schedule.js";
export * from "./scheduler.js";
export * from "./update-assessment.js";
