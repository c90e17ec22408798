// The few pieces of the wasm binary format that scripts/wasm-link.mjs and
// scripts/trunk-post-build.mjs read and rewrite: LEB128 numbers, names, and the list of sections.
// Both scripts copy every section they do not understand byte for byte.

// An unsigned LEB128 number at `at`: [value, the offset after it].
export const leb = (bytes, at) => {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
};

// `value` as unsigned LEB128; with `width`, padded to that many bytes (continuation bits with
// zero payload), so that what follows in the section keeps its offset.
export const lebBytes = (value, width = 0) => {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value || out.length + 1 < width) byte |= 0x80;
    out.push(byte);
  } while (value || out.length < width);
  return out;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

// A name (vec of UTF-8 bytes) at `at`: [text, the offset after it].
export const readName = (bytes, at) => {
  const [len, start] = leb(bytes, at);
  return [utf8.decode(bytes.subarray(start, start + len)), start + len];
};

export const wasmString = (text) => {
  const b = Buffer.from(text, 'utf8');
  return [...lebBytes(b.length), ...b];
};

// The module's sections in order: { id, start, body, end } (body: where the payload starts).
export function sections(wasm, what) {
  if (wasm.readUInt32BE(0) !== 0x0061736d) throw new Error(`${what} is not a wasm module`);
  const out = [];
  for (let at = 8; at < wasm.length;) {
    const [size, body] = leb(wasm, at + 1);
    out.push({ id: wasm[at], start: at, body, end: body + size });
    at = body + size;
  }
  return out;
}

// The module again, with the payloads in `replaced` (section id -> byte array or Buffer) instead
// of the old ones.
export function assemble(wasm, list, replaced) {
  const out = [wasm.subarray(0, 8)];
  for (const s of list) {
    const payload = replaced.get(s.id);
    if (payload) out.push(Buffer.from([s.id, ...lebBytes(payload.length)]), Buffer.from(payload));
    else out.push(wasm.subarray(s.start, s.end));
  }
  return Buffer.concat(out);
}
