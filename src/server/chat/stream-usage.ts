/**
 * Asks a streaming upstream for its usage totals (`stream_options.include_usage`) so the
 * gateway can count tokens and cost, and remembers whether the client asked itself: only
 * then does the usage chunk reach it. Non-streaming bodies are returned untouched.
 */
export function requestStreamUsage(body: Readonly<Record<string, unknown>>): {
  forward: Record<string, unknown>;
  clientWantsUsage: boolean;
} {
  if (body['stream'] !== true) return { forward: { ...body }, clientWantsUsage: true };
  const options = body['stream_options'];
  const given = typeof options === 'object' && options !== null && !Array.isArray(options) ? (options as Record<string, unknown>) : {};
  const clientWantsUsage = given['include_usage'] === true;
  if (clientWantsUsage) return { forward: { ...body }, clientWantsUsage };
  return { forward: { ...body, stream_options: { ...given, include_usage: true } }, clientWantsUsage };
}
