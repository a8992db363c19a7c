/** `routellm doctor`'s entries as printed: each check's first line with its wrapped continuation lines (indented) joined on. */
export function doctorEntries(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .reduce<string[]>((entries, line) => {
      if (/^\s/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
      else entries.push(line);
      return entries;
    }, []);
}
