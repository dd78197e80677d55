import { describe, expect, it } from "vitest";
import { type SseMessage, sseMessages } from "./sse-messages.js";

async function read(chunks: string[]): Promise<SseMessage[]> {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const out: SseMessage[] = [];
  for await (const message of sseMessages(stream.getReader())) out.push(message);
  return out;
}

describe("sseMessages", () => {
  it("reads messages split anywhere across chunks, with event names and multi-line data", async () => {
    expect(
      await read([
        'event: state\ndata: {"a"',
        ":1}\n\nevent: step\r\ndata: one\r\ndata: two\r\n\r\n: comment\n\ndata: x\n\n",
      ]),
    ).toEqual([
      { event: "state", data: '{"a":1}' },
      { event: "step", data: "one\ntwo" },
      { event: "message", data: "x" },
    ]);
  });

  it("drops an unfinished message at the end", async () => {
    expect(await read(["event: plan\ndata: {}\n\nevent: plan\ndata: {"])).toEqual([
      { event: "plan", data: "{}" },
    ]);
  });
});
