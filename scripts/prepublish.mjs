// vscode:prepublish, run by vsce before it packages: `npm run build` (tsc + esbuild), unless
// scripts/package_vsix.mjs built dist/extension.js for an earlier target of the same
// `npm run package:all` (it sets MPGUARD_PREBUILT=1): the client is the same for every target.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.MPGUARD_PREBUILT === '1' && fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
  console.log('[prepublish] dist/extension.js was built for an earlier target: not rebuilding');
  process.exit(0);
}
const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
