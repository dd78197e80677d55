/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/** What an empty list says: that it is empty, and what to do next. */
export function Empty(props: { children: Child }) {
  return <p class="empty">{props.children}</p>;
}
