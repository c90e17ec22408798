// Trunk post_build hook (Trunk.toml [[hooks]]): shrinks what `trunk build --release` staged
// before Trunk moves it to dist/. Debug builds (`trunk serve`) are left as they are.
//
// - drops the stubs that scripts/wasm-link.mjs left for wasm-streams' exports (wasm-metadce; the
//   linker already dropped their code), and the glue's classes for them, and runs wasm-opt
//   itself (Trunk's wasm-opt step is off: data-wasm-opt="0" in index.html);
// - renames the wasm's imports (`__wbg_body_5f971cbc6950ca4f` and 116 more) and the exports the
//   glue calls (`wasm_bindgen__convert__closures_____invoke__h35b848658c73792a`...) to one or two
//   letters, in the wasm and in the glue alike;
// - minifies, with esbuild (pinned in package.json): the wasm-bindgen glue, the CSS, the list
//   worker and index.html's own inline script (its HTML, comments and meta tags are kept as they
//   are: the `undelete-api-base` comment is there for whoever edits a built dist/index.html);
// - recomputes every `integrity="shaNNN-..."` that Trunk wrote for a file changed here (the
//   browser refuses a script or stylesheet whose hash does not match);
// - writes `.gz` and `.br` copies of the glue, the wasm, the CSS and the worker, which
//   undelete-proxy (and nginx's gzip_static) send to browsers that accept them.
//
// Any surprise (a file missing, a pattern not found) fails the build: Trunk stops on a non-zero
// exit, so nothing half-rewritten reaches dist/.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import {
  STUB_BODY, assemble, isWasmStreamsExport, leb, lebBytes, readFunctions,
  readName as readNameAt, sections as wasmSections, wasmString,
} from './wasm-binary.mjs';

const fail = (message) => {
  console.error(`post-build: ${message}`);
  process.exit(1);
};

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) fail('TRUNK_STAGING_DIR is not set: run this from Trunk ([[hooks]] in Trunk.toml)');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const read = (name) => fs.readFileSync(path.join(stage, name), 'utf8');
const write = (name, text) => fs.writeFileSync(path.join(stage, name), text);
const sizes = [];
const note = (name, before, after) => sizes.push(`${name} ${before} -> ${after} B`);

// Syntax the sources already use; esbuild only shortens, it never lowers or adds features.
const JS = { minify: true, target: 'es2022', legalComments: 'none' };
const CSS = { loader: 'css', minify: true, target: ['chrome100', 'firefox100', 'safari15'] };

async function minify(name, options) {
  const before = read(name);
  const { code, warnings } = await esbuild.transform(before, options);
  if (warnings.length) fail(`esbuild warnings for ${name}: ${JSON.stringify(warnings)}`);
  write(name, code);
  note(name, before.length, code.length);
}

// --- wasm import and export names ----------------------------------------------------------
// The import and export sections are rewritten (every other byte of the wasm is copied as it is)
// and the glue gets the same names. Only the shapes wasm-bindgen 0.2.130 emits are accepted:
// function imports from one module, one `NAME: function(` line per import in the glue's import
// object, exports read as `wasm.NAME`.

// a, b, ..., Z, aa, ab, ...: valid property names, never `__proto__`.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const shortName = (i) => (i < LETTERS.length ? LETTERS[i] : shortName(Math.floor(i / LETTERS.length) - 1) + LETTERS[i % LETTERS.length]);

// --- the wasm: dead exports out, then wasm-opt -------------------------------------------------
// Trunk's own wasm-opt step is off (data-wasm-opt="0" in index.html) because the stubs of the dead
// wasm-streams exports (scripts/wasm-link.mjs; see shortenNames) must go before wasm-opt runs, so
// that it drops what only they use too. These are the passes Trunk ran before (-Oz, then
// index.html's data-wasm-opt-params) with a second -Oz in the converging round (-0.1 KB raw,
// -0.3 KB gzip); --reorder-functions-by-name lays out functions by crate and module, which gzip
// likes.
const BIN = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const WASM_OPT = ['-Oz', '--flatten', '--rereloop', '-Oz', '-Oz', '--converge', '--strip-producers', '--strip-target-features', '--reorder-functions-by-name'];

function run(tool, args) {
  const r = spawnSync(path.join(BIN, tool), args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) fail(`${tool} ${args.join(' ')} failed (${r.error || r.status})`);
  return r.stdout;
}

// scripts/wasm-link.mjs leaves only stubs behind wasm-streams' exports; their `free` exports are
// always the stubs themselves (the others may sit behind wasm-bindgen's externref shims). If they
// are not, the wasm was linked some other way (a linker set in the environment, say) and still
// holds ~14 KB of dead code: fail rather than ship it unnoticed.
function checkLinkedByWasmLink(wasmName, bytes) {
  let module;
  try {
    module = readFunctions(bytes, wasmName);
  } catch (e) {
    fail(e.message);
  }
  const frees = [...module.exports].filter(([name]) => isWasmStreamsExport(name) && name.endsWith('_free'));
  const stub = Buffer.from(STUB_BODY);
  for (const [name, index] of frees) {
    const body = index >= module.imported ? module.bodies[index - module.imported] : null;
    if (!body || !stub.equals(body)) {
      fail(`${wasmName}: ${name} is not a stub: was the wasm linked without scripts/wasm-link.mjs (.cargo/config.toml)?`);
    }
  }
  if (frees.length !== 3) fail(`${wasmName} exports ${frees.length} wasm-streams free functions, expected 3`);
}

function optimizeWasm(wasmName) {
  const file = path.join(stage, wasmName);
  const before = fs.statSync(file).size;
  const bytes = fs.readFileSync(file);
  checkLinkedByWasmLink(wasmName, bytes);
  const module = new WebAssembly.Module(bytes);
  const graph = [
    ...WebAssembly.Module.exports(module).filter((e) => !isWasmStreamsExport(e.name))
      .map((e) => ({ name: `export:${e.name}`, export: e.name, root: true })),
    ...WebAssembly.Module.imports(module)
      .map((i) => ({ name: `import:${i.module}:${i.name}`, import: [i.module, i.name] })),
  ];
  const tmp = fs.mkdtempSync(path.join(stage, '.wasm-'));
  fs.writeFileSync(path.join(tmp, 'graph.json'), JSON.stringify(graph));
  // -g keeps the function names for --reorder-functions-by-name (wasm-opt drops them on output).
  run('wasm-metadce', ['-g', file, '--graph-file', path.join(tmp, 'graph.json'), '-o', path.join(tmp, 'dce.wasm')]);
  run('wasm-opt', [path.join(tmp, 'dce.wasm'), ...WASM_OPT, '-o', file]);
  fs.rmSync(tmp, { recursive: true });
  note(`${wasmName} (wasm-metadce + wasm-opt)`, before, fs.statSync(file).size);
}

function shortenNames(wasmName, glueName) {
  const wasm = fs.readFileSync(path.join(stage, wasmName));
  let js = read(glueName);
  let sections;
  try {
    sections = wasmSections(wasm, wasmName);
  } catch (e) {
    fail(e.message);
  }
  const section = (id) => sections.find((s) => s.id === id) || fail(`${wasmName} has no section ${id}`);
  const readName = (p) => readNameAt(wasm, p);
  const once = (re, what) => {
    const hits = js.match(re);
    if (!hits || hits.length !== 1) fail(`the glue has ${hits ? hits.length : 0} ${what}`);
  };

  // Imports: `NAME: function(` in the glue's import object, all from one module.
  const imports = section(2);
  let [count, p] = leb(wasm, imports.body);
  let module = null;
  const importPayload = [...lebBytes(count)];
  for (let i = 0; i < count; i++) {
    let mod, name;
    [mod, p] = readName(p);
    [name, p] = readName(p);
    if (wasm[p] !== 0) fail(`import ${mod}.${name} is not a function (kind ${wasm[p]})`);
    if (module === null) module = mod;
    if (mod !== module) fail(`imports from two modules: ${module} and ${mod}`);
    const descStart = p;
    [, p] = leb(wasm, p + 1);
    const key = new RegExp(`\n {8}${name.replace(/\$/g, '\\$')}: function\\(`, 'g');
    once(key, `definitions of import ${name}`);
    js = js.replace(key, `\n        ${shortName(i)}: function(`);
    importPayload.push(...wasmString('a'), ...wasmString(shortName(i)), ...wasm.subarray(descStart, p));
  }
  if (p !== imports.end) fail(`${wasmName}: the import section did not parse to its end`);
  const moduleKey = `${JSON.stringify(module)}: import0,`;
  once(new RegExp(moduleKey.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'g'), moduleKey);
  js = js.replace(moduleKey, 'a: import0,');
  // What the glue still defines under a long name, the wasm no longer imports (the linker
  // dropped it with the wasm-streams code): out.
  const importKeys = () => {
    const from = js.indexOf('function __wbg_get_imports()');
    return [...js.slice(from, js.indexOf('\n}\n', from)).matchAll(/\n {8}([A-Za-z_$][\w$]*): function\(/g)].map((m) => m[1]);
  };
  for (const key of importKeys().filter((k) => k.length > 2)) {
    const definition = new RegExp(`\n {8}${key.replace(/\$/g, '\\$')}: function\\([^)]*\\) \\{\n[\\s\\S]*?\n {8}\\},(?=\n)`, 'g');
    once(definition, `definitions of unused import ${key}`);
    js = js.replace(definition, '');
  }
  if (importKeys().length !== count) fail(`the glue defines ${importKeys().length} imports, the wasm has ${count}`);

  // wasm-streams' IntoUnderlyingByteSource/Sink/Source: exported because leptos always enables
  // server_fn's `browser` feature, never used by the app, and only stubs in the wasm
  // (scripts/wasm-link.mjs), which wasm-metadce has removed by now. Trunk's loader exposes the glue's
  // exports as window.wasmBindings; nothing reads them there.
  const strip = (re, n, what) => {
    const hits = js.match(re);
    if (!hits || hits.length !== n) fail(`the glue has ${hits ? hits.length : 0} ${what}, expected ${n}`);
    js = js.replace(re, '');
  };
  strip(/^export class (IntoUnderlying\w+) \{\n[\s\S]*?\n\}\nif \(Symbol\.dispose\) \1\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm, 3, 'IntoUnderlying* classes');
  strip(/^const IntoUnderlying\w+Finalization = \(typeof FinalizationRegistry === 'undefined'\)\n.*\n.*\n/gm, 3, 'IntoUnderlying* finalizers');
  strip(/^const __wbindgen_enum_ReadableStreamType = \["bytes"\];\n/gm, 1, 'ReadableStreamType enums');
  if (/intounderlying|ReadableStream/i.test(js)) fail('the glue still mentions the wasm-streams classes');

  // Exports the glue reads (`wasm.NAME`); the others (`main`, globals) keep their names.
  const exports = section(7);
  [count, p] = leb(wasm, exports.body);
  const exportPayload = [];
  const names = [];
  let renamed = 0;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    let name;
    [name, p] = readName(p);
    const descStart = p;
    [, p] = leb(wasm, p + 1);
    if (isWasmStreamsExport(name)) fail(`${wasmName} still exports ${name}`);
    kept += 1;
    names.push(name);
    const use = new RegExp(`\\bwasm\\.${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    let short = name;
    if (use.test(js)) {
      short = shortName(renamed++);
      js = js.replace(use, `wasm.${short}`);
    }
    exportPayload.push(...wasmString(short), ...wasm.subarray(descStart, p));
  }
  if (p !== exports.end) fail(`${wasmName}: the export section did not parse to its end`);
  exportPayload.unshift(...lebBytes(kept));
  const shorts = new Set(names.map((_, i) => shortName(i)).slice(0, renamed));
  for (const name of names) if (shorts.has(name)) fail(`export ${name} clashes with a short name`);
  const unknown = [...js.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((n) => !shorts.has(n));
  if (unknown.length) fail(`the glue reads exports the wasm does not have: ${unknown.join(', ')}`);

  const rewritten = assemble(wasm, sections, new Map([[2, importPayload], [7, exportPayload]]));
  new WebAssembly.Module(rewritten); // validates
  fs.writeFileSync(path.join(stage, wasmName), rewritten);
  write(glueName, js);
  note(`${wasmName} (imports and exports renamed)`, wasm.length, rewritten.length);
}

let html = read('index.html');
// Files index.html links to, by the attribute values Trunk wrote (public URL + file name).
const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
const linked = (re, what) => {
  const m = html.match(re);
  if (!m) fail(`index.html has no ${what}`);
  const href = m[1];
  if (!href.startsWith(publicUrl)) fail(`${what} ${href} is not under the public URL ${publicUrl}`);
  return href.slice(publicUrl.length);
};
const glue = linked(/<link rel="modulepreload" href="([^"]+\.js)"/, 'modulepreload of the glue');
const css = linked(/<link rel="stylesheet" href="([^"]+\.css)"/, 'stylesheet link');

const wasmName = linked(/<link rel="preload" href="([^"]+\.wasm)"/, 'preload of the wasm');
optimizeWasm(wasmName);
shortenNames(wasmName, glue);
await minify(glue, { ...JS, loader: 'js', format: 'esm' });
await minify(css, CSS);
// A classic worker script: no format, so its top-level names stay as they are.
await minify('list-pages.js', { ...JS, loader: 'js' });

// index.html's own script: the first <script> without attributes (Trunk's loader is
// <script type="module"> and stays as Trunk wrote it).
const inline = html.match(/<script>([\s\S]*?)<\/script>/);
if (!inline) fail('index.html has no inline <script>');
{
  const { code } = await esbuild.transform(inline[1], { ...JS, loader: 'js' });
  html = html.replace(inline[0], () => `<script>${code.trimEnd()}</script>`);
  note('index.html inline script', inline[1].length, code.length);
}

// Integrity of every file index.html pins, recomputed from what is staged now.
let pinned = 0;
html = html.replace(/<link\b[^>]*>/g, (tag) => {
  const href = tag.match(/\bhref="([^"]+)"/);
  const integrity = tag.match(/\bintegrity="(sha256|sha384|sha512)-[^"]*"/);
  if (!href || !integrity) return tag;
  const file = path.join(stage, href[1].slice(publicUrl.length));
  if (!fs.existsSync(file)) fail(`${href[1]} has an integrity attribute but ${file} is missing`);
  const digest = createHash(integrity[1]).update(fs.readFileSync(file)).digest('base64');
  pinned += 1;
  return tag.replace(integrity[0], `integrity="${integrity[1]}-${digest}"`);
});
if (pinned < 3) fail(`expected integrity on the glue, the wasm and the CSS; found ${pinned}`);
write('index.html', html);

// Precompressed copies for servers that send them (undelete-proxy --static-dir; nginx's
// gzip_static/brotli_static): the glue, the wasm, the CSS and the worker. Not index.html: the
// proxy reads it to compute its Content-Security-Policy.
for (const name of [glue, wasmName, css, 'list-pages.js']) {
  const data = fs.readFileSync(path.join(stage, name));
  fs.writeFileSync(path.join(stage, `${name}.gz`), zlib.gzipSync(data, { level: 9 }));
  fs.writeFileSync(path.join(stage, `${name}.br`), zlib.brotliCompressSync(data, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }));
}
console.error(`post-build: ${sizes.join(', ')}; ${pinned} integrity attributes recomputed`);
