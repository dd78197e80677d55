export * from "./container-health.js";
export * from "./health-check-schema.js";
export * from "./health-verdict.js";
export * from "./run-health-check.js";
