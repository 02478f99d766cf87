// Bundles the client (client/src/extension.ts + vscode-languageclient) into dist/extension.js,
// so the .vsix needs no node_modules. `vscode` is provided by the extension host.
import { build } from 'esbuild';

await build({
  entryPoints: ['client/src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: false,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
});
