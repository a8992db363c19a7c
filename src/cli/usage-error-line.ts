/**
 * A commander usage error as routellm's one line: commander's message (`error: unknown option
 * '--routrs'`, then `(Did you mean --routers?)` on a line of its own) joined into one sentence,
 * with where help is: `unknown option '--routrs' (did you mean --routers?); run routellm serve
 * --help for usage`. Without the `routellm: ` prefix, which the caller adds (serve logs it).
 */
export function usageErrorLine(message: string, commandPath: string): string {
  const [first = 'invalid usage', ...rest] = message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const notes = rest.map((line) => line.replace(/^\((.*)\)$/, '$1')).map((line) => line.charAt(0).toLowerCase() + line.slice(1));
  return `${first.replace(/\.$/, '')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}; run ${commandPath} --help for usage`;
}
