/**
 * RouterBench stores prompts as Python list literals (`['turn one', "turn two"]`). Returns the
 * strings joined by newlines, or the text unchanged when it is not such a literal.
 */
export function unwrapPythonListPrompt(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return text;
  const parts: string[] = [];
  let i = 1;
  const end = trimmed.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(trimmed[i]!)) i++;
  };
  skipSpace();
  while (i < end) {
    const quote = trimmed[i];
    if (quote !== "'" && quote !== '"') return text;
    i++;
    let part = '';
    for (;;) {
      if (i >= end) return text;
      const ch = trimmed[i]!;
      if (ch === quote) {
        i++;
        break;
      }
      if (ch === '\\' && i + 1 < end) {
        const next = trimmed[i + 1]!;
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (next in escapes) {
          part += escapes[next];
          i += 2;
          continue;
        }
        if (next === 'x' || next === 'u') {
          const width = next === 'x' ? 2 : 4;
          const hex = trimmed.slice(i + 2, i + 2 + width);
          if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === width) {
            part += String.fromCharCode(parseInt(hex, 16));
            i += 2 + width;
            continue;
          }
        }
      }
      part += ch;
      i++;
    }
    parts.push(part);
    skipSpace();
    if (trimmed[i] === ',') i++;
    skipSpace();
  }
  return parts.length > 0 ? parts.join('\n') : text;
}
