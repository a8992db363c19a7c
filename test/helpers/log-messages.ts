/** The messages of serve's stderr lines, one a line: `msg` of each pino JSON line, other lines as they are. */
export function logMessages(stderr: string): string {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: unknown };
        return typeof parsed.msg === 'string' ? parsed.msg : line;
      } catch {
        return line;
      }
    })
    .join('\n');
}

/** serve's stderr lines at one pino level (40 warn, 50 error), parsed. */
export function logLinesAt(stderr: string, level: number): Record<string, any>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((line) => line['level'] === level);
}
