// Trunk post_build hook (Trunk.toml [[hooks]]): shrinks what `trunk build --release` staged
// before Trunk moves it to dist/. Debug builds (`trunk serve`) are left as they are.
//
// - minifies, with esbuild (pinned in package.json): the wasm-bindgen glue, the CSS, the list
//   worker and index.html's own inline script (its HTML, comments and meta tags are kept as they
//   are: the `undelete-api-base` comment is there for whoever edits a built dist/index.html);
// - recomputes every `integrity="shaNNN-..."` that Trunk wrote for a file changed here (the
//   browser refuses a script or stylesheet whose hash does not match).
//
// Any surprise (a file missing, a pattern not found) fails the build: Trunk stops on a non-zero
// exit, so nothing half-rewritten reaches dist/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

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
console.error(`post-build: ${sizes.join(', ')}; ${pinned} integrity attributes recomputed`);
