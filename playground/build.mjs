// Builds the playground into dist/: the page, its stylesheet, the bundled script (esbuild: the
// app, CodeMirror and the WASI shim, with the seed example's files as text) and the module.
//
// Usage: node build.mjs path/to/skiff_wasm.wasm   (`cargo xtask playground` builds it and runs this)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const wasm = process.argv[2];
if (!wasm || !fs.existsSync(wasm)) {
  console.error(`build.mjs: no WebAssembly module at ${wasm} (cargo build -p skiff-wasm --target wasm32-wasip1 --release)`);
  process.exit(2);
}
const dist = path.join(here, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
await esbuild.build({
  entryPoints: [path.join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  outfile: path.join(dist, 'app.js'),
  loader: { '.skiff': 'text' },
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) fs.copyFileSync(path.join(here, file), path.join(dist, file));
fs.copyFileSync(wasm, path.join(dist, 'skiff.wasm'));
const kb = (f) => Math.round(fs.statSync(path.join(dist, f)).size / 1024);
console.log(`playground: dist/ (app.js ${kb('app.js')} KB, skiff.wasm ${kb('skiff.wasm')} KB)`);
