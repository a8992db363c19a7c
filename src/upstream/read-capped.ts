import type { Readable } from 'node:stream';

/**
 * Reads an upstream response body, keeping at most `cap` bytes: an error body is for a
 * message, and a misbehaving upstream must not make us buffer without bound.
 */
export function readCapped(stream: Readable, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size >= cap) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('close', () => {
      if (!stream.readableEnded) reject(new Error('upstream closed the connection before the error body ended'));
    });
  });
}
