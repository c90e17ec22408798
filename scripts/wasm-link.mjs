#!/usr/bin/env node
// The linker for wasm32-unknown-unknown (.cargo/config.toml): rust-lld, without wasm-streams'
// exports.
//
// Why: leptos always enables server_fn's `browser` feature, which brings wasm-streams, whose
// `#[wasm_bindgen]` classes (IntoUnderlyingSource, IntoUnderlyingByteSource,
// IntoUnderlyingSink) are exported to JavaScript. The app never makes a stream. But an exported
// function is a root for the linker, and everything reachable from it stays: the futures behind
// it and every function their trait objects point to, which sit in the function table where no
// later tool can prove them dead. That is ~14 KB of the shipped wasm (4.5 KB gzip).
//
// How: link once as asked, only to read the signatures of those exports; link again without them,
// so that lld's --gc-sections drops their code; then give each dropped export a stub of the same
// signature whose body is `unreachable`, because wasm-bindgen's metadata still names them and it
// fails on a missing export. The post-build hook (scripts/trunk-post-build.mjs) then removes the
// stubs (wasm-metadce) and the classes from the glue. Any code that made a wasm-streams stream
// would trap in a stub: nothing in the app does, and the glue no longer has the classes anyway.
//
// Every other link (no such export) is rust-lld, unchanged.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { STUB_BODY, assemble, isWasmStreamsExport, leb, lebBytes, readFunctions, wasmString } from './wasm-binary.mjs';

const fail = (message) => {
  console.error(`wasm-link: ${message}`);
  process.exit(1);
};

function rustLld() {
  const rustc = process.env.RUSTC || 'rustc';
  const print = (what) => {
    const r = spawnSync(rustc, ['--print', what], { encoding: 'utf8' });
    if (r.status !== 0) fail(`${rustc} --print ${what} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  return path.join(print('sysroot'), 'lib', 'rustlib', print('host-tuple'), 'bin', 'rust-lld');
}

function link(lld, args) {
  const r = spawnSync(lld, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// rustc passes exports as `--export NAME` (or `--export=NAME`).
function splitExports(args) {
  const kept = [];
  const dropped = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--export' && isWasmStreamsExport(args[i + 1] ?? '')) dropped.push(args[++i]);
    else if (args[i].startsWith('--export=') && isWasmStreamsExport(args[i].slice(9))) dropped.push(args[i].slice(9));
    else kept.push(args[i]);
  }
  return { kept, dropped };
}

function readModuleOrFail(wasm, what) {
  try {
    return readFunctions(wasm, what);
  } catch (e) {
    return fail(e.message);
  }
}

// Appends to a section whose payload is a vector: the new count, the old entries, the new ones.
// The count keeps its byte width where it can, so that the old entries keep their offsets
// (DWARF in debug builds counts code offsets from the start of the code section).
function appendToVector(wasm, section, entries) {
  const payload = wasm.subarray(section.body, section.end);
  const [count, after] = leb(payload, 0);
  const extra = entries.reduce((all, e) => all.concat(e), []);
  return Buffer.concat([Buffer.from(lebBytes(count + entries.length, after)), payload.subarray(after), Buffer.from(extra)]);
}

const args = process.argv.slice(2);
const lld = rustLld();
const { kept, dropped } = splitExports(args);
if (dropped.length === 0) {
  link(lld, args);
  process.exit(0);
}
const outAt = kept.indexOf('-o');
if (outAt < 0 || !kept[outAt + 1]) fail('no -o OUTPUT among the linker arguments');
const output = kept[outAt + 1];

// 1. As asked, into a scratch file: the dropped exports' signatures.
const scratch = `${output}.with-wasm-streams`;
link(lld, args.map((a, i) => (i > 0 && args[i - 1] === '-o' ? scratch : a)));
const full = readModuleOrFail(fs.readFileSync(scratch), scratch);
fs.rmSync(scratch);
const signatures = dropped.map((name) => {
  const index = full.exports.get(name);
  if (index === undefined) fail(`${name} is not a function export of the full link`);
  if (index < full.imported) fail(`${name} is an imported function`);
  return full.types[full.funcTypes[index]];
});

// 2. Without them: lld drops what only they reached.
link(lld, kept);
const wasm = fs.readFileSync(output);
const slim = readModuleOrFail(wasm, output);
for (const name of dropped) if (slim.exports.has(name)) fail(`${name} is still exported`);

// 3. The stubs: one new type each (duplicate types are allowed), appended after every existing
// function, so that no index in the module moves.
const section = (id) => slim.list.find((s) => s.id === id);
for (const id of [1, 3, 7, 10]) if (!section(id)) fail(`${output} has no section ${id}`);
const firstType = slim.types.length;
const firstFunc = slim.funcTypes.length;
const UNREACHABLE_BODY = [STUB_BODY.length, ...STUB_BODY];
const replaced = new Map([
  [1, appendToVector(wasm, section(1), signatures.map((t) => [...t]))],
  [3, appendToVector(wasm, section(3), dropped.map((_, i) => lebBytes(firstType + i)))],
  [7, appendToVector(wasm, section(7), dropped.map((name, i) => [...wasmString(name), 0, ...lebBytes(firstFunc + i)]))],
  [10, appendToVector(wasm, section(10), dropped.map(() => UNREACHABLE_BODY))],
]);
const stubbed = assemble(wasm, slim.list, replaced);
if (!WebAssembly.validate(stubbed)) fail(`${output} with stubs does not validate`);
fs.writeFileSync(output, stubbed);
