// package.json and the code agree: settings, restricted settings, commands, activation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS } from '../commands';
import { DEFAULTS, RESTRICTED_KEYS, SECTION } from '../settings';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props: Record<string, { default: unknown; markdownDescription?: string; enum?: string[] }> = pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('contributes every setting the client reads, with the same defaults and a markdownDescription', () => {
    for (const [key, value] of Object.entries(DEFAULTS)) {
      const p = props[`${SECTION}.${key}`];
      assert.ok(p, `missing ${SECTION}.${key}`);
      assert.deepEqual(p.default, value, key);
    }
    for (const [key, p] of Object.entries(props)) assert.ok(p.markdownDescription, `${key} has no markdownDescription`);
    assert.deepEqual(props['mpguard.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('declares limited support for untrusted workspaces with the restricted settings', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.deepEqual([...u.restrictedConfigurations].sort(), RESTRICTED_KEYS.map(k => `${SECTION}.${k}`).sort());
  });

  it('has no extensionDependencies and a VS Code 1.100-compatible engine', () => {
    assert.equal(pkg.extensionDependencies, undefined);
    assert.match(pkg.engines.vscode, /^\^1\.(8\d|9\d)\.0$/);
    assert.match(pkg.dependencies['vscode-languageclient'], /^\^?9\./);
    assert.equal(pkg.devDependencies['@types/vscode'], pkg.engines.vscode.replace('^', ''));
  });

  it('activates on Python files and pyproject.toml', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:python'));
    assert.ok(pkg.activationEvents.some((e: string) => e.startsWith('workspaceContains:') && e.includes('pyproject.toml')));
  });

  it('contributes the commands extension.ts registers', () => {
    const commands = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(commands, [
      'mpguard.checkWorkspace', 'mpguard.fixAll', 'mpguard.restart', 'mpguard.showDebugInfo', 'mpguard.showLogs',
      'mpguard.showRuleDocumentation',
    ]);
    assert.deepEqual([...CLIENT_COMMANDS].sort(), commands);
    const src = fs.readFileSync(path.join(root, 'client', 'src', 'extension.ts'), 'utf8');
    for (const c of commands) assert.ok(src.includes(`registerCommand('${c}'`), c);
  });
});
