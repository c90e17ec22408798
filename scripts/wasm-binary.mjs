// The few pieces of the wasm binary format that scripts/wasm-link.mjs and
// scripts/trunk-post-build.mjs read and rewrite: LEB128 numbers, names, and the list of sections.
// Both scripts copy every section they do not understand byte for byte.

// wasm-streams' exports, which the app never calls (see scripts/wasm-link.mjs): its classes'
// methods and `__wbg_<class>_free`, with the crate's hash suffix at link time
// (`intounderlyingsource_pull_58a9338f50bce61c`) and without it after wasm-bindgen.
export const isWasmStreamsExport = (name) => /^(__wbg_)?intounderlying(bytesource|sink|source)_/.test(name);

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

// A function body that only traps: no locals, `unreachable`, `end`.
export const STUB_BODY = [0x00, 0x00, 0x0b];

// What the module says about its functions: the sections, the function types (as their encoded
// bytes), each function's type index (imports first), how many are imported, the function
// exports (name -> function index), and each defined function's body (its bytes, without the
// size). Only plain function types are accepted.
export function readFunctions(wasm, what) {
  const list = sections(wasm, what);
  const body = (id) => list.find((s) => s.id === id);
  const types = [];
  const funcTypes = [];
  const exports = new Map();
  const bodies = [];
  let p, count;
  if (body(1)) {
    [count, p] = leb(wasm, body(1).body);
    for (let i = 0; i < count; i++) {
      if (wasm[p] !== 0x60) throw new Error(`${what}: type ${i} is not a plain function type`);
      const start = p;
      for (let vec = 0, n; vec < 2; vec++) {
        [n, p] = leb(wasm, p + (vec === 0 ? 1 : 0));
        for (let k = 0; k < n; k++, p++) {
          if (wasm[p] === 0x63 || wasm[p] === 0x64) throw new Error(`${what}: type ${i} has a typed reference`);
        }
      }
      types.push(wasm.subarray(start, p));
    }
  }
  if (body(2)) {
    [count, p] = leb(wasm, body(2).body);
    for (let i = 0; i < count; i++) {
      [, p] = readName(wasm, p);
      [, p] = readName(wasm, p);
      const kind = wasm[p++];
      let flags, type;
      switch (kind) {
        case 0: [type, p] = leb(wasm, p); funcTypes.push(type); break; // function
        case 1: p++; // table: reference type, then limits
        // falls through
        case 2: [flags, p] = leb(wasm, p); [, p] = leb(wasm, p); if (flags & 1) [, p] = leb(wasm, p); break; // limits
        case 3: p += 2; break; // global: value type, mutability
        case 4: [, p] = leb(wasm, p + 1); break; // tag
        default: throw new Error(`${what}: import ${i} has an unknown kind ${kind}`);
      }
    }
  }
  const imported = funcTypes.length;
  if (body(3)) {
    [count, p] = leb(wasm, body(3).body);
    for (let i = 0, type; i < count; i++) {
      [type, p] = leb(wasm, p);
      funcTypes.push(type);
    }
  }
  if (body(7)) {
    [count, p] = leb(wasm, body(7).body);
    for (let i = 0, name, index; i < count; i++) {
      [name, p] = readName(wasm, p);
      const kind = wasm[p];
      [index, p] = leb(wasm, p + 1);
      if (kind === 0) exports.set(name, index);
    }
  }
  if (body(10)) {
    [count, p] = leb(wasm, body(10).body);
    for (let i = 0, size; i < count; i++) {
      [size, p] = leb(wasm, p);
      bodies.push(wasm.subarray(p, p + size));
      p += size;
    }
  }
  return { list, types, funcTypes, imported, exports, bodies };
}
