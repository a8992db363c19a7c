/**
 * Tokens in a text, estimated as its UTF-8 bytes / 4: about 4 characters a token for English
 * with OpenAI's tokenizers, and bytes rather than characters so Chinese or Japanese (3 bytes a
 * character, about one token each) are not undercounted fourfold. Plus a few for the message frame.
 * Used wherever a request's tokens are guessed before an upstream counts them (label's cost plan,
 * the expected cost of a request over a list of models).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(utf8Length(text) / 4) + 4;
}

/** UTF-8 bytes of a string, counted without encoding it (core has no Buffer). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: one code point of 4 bytes.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
