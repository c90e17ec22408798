// Trunk post_build hook (Trunk.toml [[hooks]]): writes `.gz` and `.br` copies beside the scripts,
// the wasm and the CSS of a release build, which undelete-proxy --static-dir (and nginx's
// gzip_static) send to browsers that accept them. It changes no file Trunk wrote. Not
// index.html: the proxy reads it at start-up for its Content-Security-Policy.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error('trunk-compress: TRUNK_STAGING_DIR is not set: run this from Trunk ([[hooks]] in Trunk.toml)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const compressible = fs.readdirSync(stage).filter((name) => /\.(js|wasm|css)$/.test(name));
for (const name of compressible) {
  const data = fs.readFileSync(path.join(stage, name));
  fs.writeFileSync(path.join(stage, `${name}.gz`), zlib.gzipSync(data, { level: 9 }));
  fs.writeFileSync(path.join(stage, `${name}.br`), zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }));
}
console.error(`trunk-compress: .gz and .br copies of ${compressible.join(', ')}`);
