/** A client's request body as it came, and where in it the top-level `model` string sits. */
export interface SplicedBodySource {
  readonly bytes: Uint8Array;
  /** Byte offsets of the `model` value, quotes included. */
  readonly modelStart: number;
  readonly modelEnd: number;
  /** Byte offset just past the body's opening `{`. */
  readonly openEnd: number;
}

const INCLUDE_USAGE = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The upstream body from the client's own bytes: `model` replaced by `model`, and
 * `"stream_options":{"include_usage":true}` put first when `addStreamUsage` (the client sent no
 * stream_options). Every other byte goes as the client sent it, so nothing is serialised again:
 * for a 10 MiB body that was most of the synchronous work (BENCHMARKS.md, body-stall).
 */
export function spliceBody(source: SplicedBodySource, model: string, addStreamUsage: boolean): Buffer {
  const { bytes, modelStart, modelEnd, openEnd } = source;
  const name = Buffer.from(JSON.stringify(model));
  if (!addStreamUsage) return Buffer.concat([bytes.subarray(0, modelStart), name, bytes.subarray(modelEnd)]);
  return Buffer.concat([bytes.subarray(0, openEnd), INCLUDE_USAGE, bytes.subarray(openEnd, modelStart), name, bytes.subarray(modelEnd)]);
}
