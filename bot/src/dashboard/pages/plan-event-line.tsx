/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Status } from "../ui/status.js";

const SHOWN = new Set(["type", "planId", "serviceId", "service", "server", "status", "detail", "error"]);

/**
 * One event of the plan stream as a line: who, what status, and its words. Fields this does not
 * know (a newer kind of event, such as a health attempt) still show, as `name: value`.
 */
export function PlanEventLine(props: { event: Record<string, unknown>; at: Date }) {
  const e = props.event;
  const str = (key: string) => (typeof e[key] === "string" ? (e[key] as string) : undefined);
  const who = str("service") ? `${str("service")} on ${str("server") ?? "?"}` : "plan";
  const extra = Object.entries(e)
    .filter(([key, value]) => !SHOWN.has(key) && value !== null && typeof value !== "object")
    .map(([key, value]) => `${key}: ${String(value)}`);
  const words = [str("detail"), str("error"), ...extra].filter(Boolean).join(" · ");
  return (
    <li>
      <time datetime={props.at.toISOString()}>{props.at.toISOString().slice(11, 19)}</time> {who}{" "}
      {str("type") && str("type") !== "plan" && str("type") !== "step" ? `${str("type")} ` : ""}
      {str("status") ? <Status status={str("status") ?? ""} /> : ""}
      {words ? ` ${words}` : ""}
    </li>
  );
}
