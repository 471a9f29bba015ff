/**
 * What Electron's net.fetch does with a file: URL, for tests without the binary: the file as a
 * streamed 200 response, and a rejected promise (not an error status) when it cannot be opened.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export async function fetchFileUrl(url: string): Promise<Response> {
  // Open first so a missing file rejects here, as net.fetch does, rather than mid-stream.
  const handle = await open(fileURLToPath(url), 'r');
  return new Response(Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>, { status: 200, headers: { 'Content-Type': 'application/pdf' } });
}
