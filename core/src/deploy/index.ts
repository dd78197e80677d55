export * from "./deploy-request.js";
export * from "./execute-plan.js";
export * from "./health/index.js";
export * from "./host-provider.js";
export * from "./plan.js";
export * from "./plan-result.js";
export * from "./service-health.js";
