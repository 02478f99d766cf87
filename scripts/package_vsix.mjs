// `npm run package`: bundle the Python server (scripts/bundle_python.py), then `vsce package` for
// linux-x64 into ./mpguard-linux-x64.vsix (vsce runs vscode:prepublish = tsc + esbuild).
// `npm run package:all`: the same for every target into ./mpguard-<target>.vsix. The pure-Python
// part of the bundle is installed once; for each further target only libcst (its native modules)
// is swapped. linux-x64 goes last, so bundled/ matches this machine afterwards (the development
// extension and the tests run it).
//
// vsce 3 scans every packaged file for secrets; with the ~6000 files of the bundled Python
// libraries (mostly jedi's typeshed stubs, installed from hash-pinned PyPI wheels) that takes
// ~5 minutes on 2 cores. So we pass --allow-package-all-secrets to vsce and scan our own files
// with vsce's scanner (same rules, .env check included) here.
//   node scripts/package_vsix.mjs [--target T | --all [--missing]] [--skip-bundle] [--out FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Same names as scripts/bundle_python.py TARGETS; the last one is left in bundled/ by --all.
const ALL_TARGETS = ['win32-x64', 'win32-arm64', 'darwin-x64', 'darwin-arm64', 'linux-arm64', 'alpine-x64',
  'alpine-arm64', 'linux-x64'];
// The extension's page in VS Code (the repository README is written for pip/CLI users).
const README = 'client/README.md';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const log = (m) => console.log(`[package] ${m}`);
const fail = (m) => { console.error(`[package] ${m}`); process.exit(1); };
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

const all = args.includes('--all');
// --missing (with --all): only the targets without a .vsix yet (what the packaging test needs).
const vsixOf = (t) => path.join(root, `mpguard-${t}.vsix`);
const targets = !all ? [option('--target') ?? 'linux-x64']
  : args.includes('--missing') ? ALL_TARGETS.filter(t => !fs.existsSync(vsixOf(t))) : ALL_TARGETS;
for (const t of targets) if (!ALL_TARGETS.includes(t)) fail(`unknown target ${t}; one of ${ALL_TARGETS.join(', ')}`);
if (all && option('--out')) fail('--out names one file: not with --all');
const skipBundle = args.includes('--skip-bundle');
if (skipBundle && targets.length > 1) fail('--skip-bundle packages what bundled/ holds: one target only');

function run(cmd, argv, env = process.env) {
  log(`$ ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
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

function bundledTarget() {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'bundled', 'bundle.json'), 'utf8')).platform;
  } catch {
    return undefined;
  }
}

async function scanOwnFiles(out) {
  // Our own files (dist/extension.js is built by vsce's vscode:prepublish, so scan afterwards and
  // throw the .vsix away if anything turns up).
  const own = ['package.json', README, 'CHANGELOG.md', 'LICENSE', 'dist/extension.js']
    .map(f => path.join(root, f)).filter(f => fs.existsSync(f))
    .concat(walk(path.join(root, 'bundled', 'libs', 'mpguard')));
  const dotenv = walk(path.join(root, 'bundled')).filter(f => /(^|[\\/])\.env(\.|$)/.test(path.basename(f)));
  if (dotenv.length) { fs.rmSync(out, { force: true }); fail(`.env files in the bundle: ${dotenv.join(', ')}`); }
  const require = createRequire(import.meta.url);
  const { lintFiles, prettyPrintLintResult } = require('@vscode/vsce/out/secretLint.js');
  const result = await lintFiles(own, true, true);
  if (!result.ok) {
    fs.rmSync(out, { force: true });
    fail('possible secrets in packaged files:\n' + result.results.map(prettyPrintLintResult).join('\n'));
  }
  log(`secret scan: ${own.length} files of ours clean`);
}

const python = process.env.PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
const written = [];
for (const [i, target] of targets.entries()) {
  const started = Date.now();
  const out = option('--out') ? path.resolve(root, option('--out')) : vsixOf(target);
  if (!skipBundle) {
    run(python, ['scripts/bundle_python.py', '--target', target, ...(i > 0 ? ['--libcst-only'] : [])]);
  }
  if (!fs.existsSync(path.join(root, 'bundled', 'libs', 'mpguard'))) fail('bundled/libs/mpguard missing: run scripts/bundle_python.py');
  if (bundledTarget() !== target) fail(`bundled/ holds ${bundledTarget() ?? 'nothing'}, not ${target}: run scripts/bundle_python.py --target ${target}`);
  fs.rmSync(out, { force: true });
  // The client is built (vscode:prepublish) for the first target only: it is the same for all.
  run('npx', ['--no-install', 'vsce', 'package', '--target', target, '--no-dependencies', '--readme-path', README,
    '--allow-package-all-secrets', '-o', out], i > 0 ? { ...process.env, MPGUARD_PREBUILT: '1' } : process.env);
  await scanOwnFiles(out);
  const size = fs.statSync(out).size;
  written.push([path.relative(root, out), size]);
  log(`wrote ${path.relative(root, out)} (${(size / 1e6).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
if (written.length > 1) for (const [name, size] of written) log(`${name}\t${size} bytes`);
// Leave bundled/ for this machine's usual target, as after a full --all.
const last = ALL_TARGETS[ALL_TARGETS.length - 1];
if (all && !skipBundle && targets.length && targets[targets.length - 1] !== last) {
  run(python, ['scripts/bundle_python.py', '--target', last, '--libcst-only']);
}
