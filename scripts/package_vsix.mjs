// `npm run package`: bundle the Python server (scripts/bundle_python.py), then `vsce package` for
// linux-x64 into ./mpguard-linux-x64.vsix (vsce runs vscode:prepublish = tsc + esbuild).
//
// vsce 3 scans every packaged file for secrets; with the ~6000 files of the bundled Python
// libraries (mostly jedi's typeshed stubs, installed from hash-pinned PyPI wheels) that takes
// ~5 minutes on 2 cores. So we pass --allow-package-all-secrets to vsce and scan our own files
// with vsce's scanner (same rules, .env check included) here.
//   node scripts/package_vsix.mjs [--skip-bundle] [--out FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = path.resolve(root, outIdx >= 0 ? args[outIdx + 1] : 'mpguard-linux-x64.vsix');
const log = (m) => console.log(`[package] ${m}`);

function run(cmd, argv) {
  log(`$ ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function walk(dir, acc = []) {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== '__pycache__') walk(p, acc); } else acc.push(p);
  }
  return acc;
}

if (!args.includes('--skip-bundle')) {
  const python = process.env.PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
  run(python, ['scripts/bundle_python.py']);
}
if (!fs.existsSync(path.join(root, 'bundled', 'libs', 'mpguard'))) {
  console.error('[package] bundled/libs/mpguard missing: run scripts/bundle_python.py');
  process.exit(1);
}

fs.rmSync(out, { force: true });
run('npx', ['--no-install', 'vsce', 'package', '--target', 'linux-x64', '--no-dependencies', '--skip-license',
  '--allow-package-all-secrets', '-o', out]);
// Our own files (dist/extension.js is built by vsce's vscode:prepublish, so scan afterwards and
// throw the .vsix away if anything turns up).
const own = ['package.json', 'README.md', 'CHANGELOG.md', 'dist/extension.js']
  .map(f => path.join(root, f)).filter(f => fs.existsSync(f))
  .concat(walk(path.join(root, 'bundled', 'libs', 'mpguard')));
const dotenv = walk(path.join(root, 'bundled')).filter(f => /(^|[\\/])\.env(\.|$)/.test(path.basename(f)));
if (dotenv.length) { fs.rmSync(out, { force: true }); console.error(`[package] .env files in the bundle: ${dotenv.join(', ')}`); process.exit(1); }
const require = createRequire(import.meta.url);
const { lintFiles, prettyPrintLintResult } = require('@vscode/vsce/out/secretLint.js');
const result = await lintFiles(own, true, true);
if (!result.ok) {
  fs.rmSync(out, { force: true });
  console.error('[package] possible secrets in packaged files:\n' + result.results.map(prettyPrintLintResult).join('\n'));
  process.exit(1);
}
log(`secret scan: ${own.length} files of ours clean`);
log(`wrote ${path.relative(root, out)} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
