import { describe, expect, it } from "vitest";
import { readServerSentEvents } from "./sse.js";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function collect(body: ReadableStream<Uint8Array>) {
  const events = [];
  for await (const event of readServerSentEvents(body)) events.push(event);
  return events;
}

describe("readServerSentEvents", () => {
  it("reads events split anywhere across chunks, with CRLF, comments and multi-line data", async () => {
    const events = await collect(
      streamOf(
        'event: state\r\ndata: {"a"',
        ":1}\r\n\r\n: keep-alive\n\n",
        "event: step\ndata: one\ndata: two\nid: 3\n\n",
      ),
    );
    expect(events).toEqual([
      { event: "state", data: '{"a":1}' },
      { event: "step", data: "one\ntwo" },
    ]);
  });

  it("drops an event the stream cut off before its blank line", async () => {
    expect(await collect(streamOf("event: plan\ndata: x\n\nevent: plan\ndata: cut"))).toEqual([
      { event: "plan", data: "x" },
    ]);
  });
});
