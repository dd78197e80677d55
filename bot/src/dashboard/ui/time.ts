import { html } from "hono/html";

/** When something happened, as people read it: "3 min ago", "in 2 h", "just now". */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const past = seconds >= 0;
  const abs = Math.abs(seconds);
  if (abs < 5) return "just now";
  const [value, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.floor(abs / 60), "min"]
        : abs < 86_400
          ? [Math.floor(abs / 3600), "h"]
          : [Math.floor(abs / 86_400), Math.floor(abs / 86_400) === 1 ? "day" : "days"];
  return past ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** The exact time, in UTC, for the hover text. */
export const exactTime = (date: Date) => `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;

/** A time shown relative, with the exact time on hover and in `datetime`; "never" for none. */
export function Time(props: { at: Date | string | null; never?: string }) {
  if (props.at === null) return html`<span class="muted">${props.never ?? "never"}</span>`;
  const date = typeof props.at === "string" ? new Date(props.at) : props.at;
  return html`<time datetime="${date.toISOString()}" title="${exactTime(date)}">${relativeTime(date)}</time>`;
}

/** A duration in ms as people read it: "850 ms", "12.4 s", "3 min 5 s". */
export function duration(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
