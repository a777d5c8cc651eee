// Runs in the Dockerfile's first stage, on the image's own base: every module of the bundle parses,
// every native addon links against this base's libc, every WebAssembly module compiles. A bundle
// that would fail at start fails the build instead.
'use strict';
const { execFileSync } = require('node:child_process');
const { lstatSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = process.argv[2] || '/app';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) files.push(p);
  }
})(root);

let checked = 0;
for (const f of files) {
  if (/\.(c|m)?js$/.test(f) && !f.includes('/node_modules/')) {
    execFileSync(process.execPath, ['--check', f], { stdio: 'inherit' });
    checked++;
  } else if (f.endsWith('.node')) {
    process.dlopen({ exports: {} }, f);
    checked++;
  } else if (f.endsWith('.wasm')) {
    new WebAssembly.Module(readFileSync(f));
    checked++;
  }
}
if (checked === 0) {
  console.error(`verify: nothing to check under ${root}`);
  process.exit(1);
}
console.log(`verify: ${checked} modules, addons and wasm files under ${root} load on this base`);
