/**
 * Byte buffers that can grow in place (resizable ArrayBuffers, ES2024; Node 20 and every Electron we ship
 * have them). Growing reserves address space up front but commits memory only as the buffer grows, so
 * a 300 MB file read with room for a few MB more costs 300 MB until the room is used.
 */

interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** `size` bytes that may later grow to `size + room` without a copy (a plain buffer when room is 0). */
export function growableBytes(size: number, room: number): Uint8Array {
  if (room <= 0) return new Uint8Array(size);
  return new Uint8Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(size, { maxByteLength: size + room }));
}

/**
 * `data` followed by `more`: in `data`'s own buffer when `inPlace` (the caller gives `data` up) and it owns a
 * growable one with room enough, else in a new buffer (one copy).
 */
export function appendBytes(data: Uint8Array, more: Uint8Array, inPlace: boolean): Uint8Array {
  const length = data.byteLength;
  const buffer = data.buffer as Partial<ResizableArrayBuffer> & ArrayBufferLike;
  const total = length + more.byteLength;
  if (inPlace && data.byteOffset === 0 && buffer.byteLength === length && buffer.resizable && buffer.resize && (buffer.maxByteLength ?? 0) >= total) {
    buffer.resize(total);
    const out = new Uint8Array(buffer, 0, total);
    out.set(more, length);
    return out;
  }
  const out = new Uint8Array(total);
  out.set(data);
  out.set(more, length);
  return out;
}
