// Runs inside the extension host (see index.ts). The workspace is a throw-away copy of
// tests/e2e/workspace; the extension is loaded unpackaged from the repository root and runs
// its bundled server (bundled/libs) on the first python3 on PATH, which has no mpguard.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MpguardApi } from '../extension';

const EXTENSION_ID = 'mpguard.mpguard';

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder');
  return f.uri.fsPath;
}
const uriOf = (name: string): vscode.Uri => vscode.Uri.file(path.join(folder(), name));
const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter(d => d.source === 'mpguard');
const codes = (uri: vscode.Uri): string[] => ours(uri).map(codeOf).sort();

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

async function waitForAsync<T>(what: string, probe: () => Promise<T | undefined>, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

async function api(): Promise<MpguardApi> {
  const ext = vscode.extensions.getExtension<MpguardApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('mpguard').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('mpguard extension', function () {
  let mp: MpguardApi;
  const broken = () => uriOf('broken_guard.py');
  const lambdas = () => uriOf('lambda_pool.py');

  before(async () => {
    await vscode.window.showTextDocument(broken());
    mp = await api();
    await waitFor('the server to run', () => mp.state.kind === 'running' || (mp.state.kind === 'error' && mp.state));
    assert.equal(mp.state.kind, 'running', JSON.stringify(mp.state));
  });

  afterEach(async () => {
    const config = vscode.workspace.getConfiguration('mpguard');
    for (const key of ['select', 'enable', 'interpreter', 'path', 'fixAll', 'codeAction.fixViolation', 'codeAction.disableRuleComment']) {
      if (config.inspect(key)?.workspaceValue !== undefined) await setSetting(key, undefined);
    }
  });

  it('runs the bundled server on the PATH interpreter', () => {
    assert.ok(mp.launch, 'no launch plan');
    assert.equal(mp.launch.serverFrom, 'bundled');
    assert.deepEqual(mp.launch.args, ['-m', 'mpguard', 'server', '--stdio']);
    assert.ok(mp.launch.env.PYTHONPATH.startsWith(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'bundled', 'libs')));
    assert.equal(mp.state.kind, 'running');
    assert.match(mp.state.kind === 'running' ? mp.state.detail : '', /Python 3\.\d+/);
  });

  it('publishes MP101 on an unguarded Pool and offers the guard fix', async () => {
    const diags = await waitFor('MP101', () => { const d = ours(broken()); return d.length ? d : undefined; });
    assert.deepEqual(diags.map(codeOf), ['MP101']);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', broken(), diags[0].range, vscode.CodeActionKind.QuickFix.value, 10);
    const titles = actions.map(a => a.title);
    assert.ok(titles.some(t => t.startsWith('Wrap in')), titles.join(' | '));
  });

  it('publishes MP201 on a lambda sent to a pool', async () => {
    await vscode.window.showTextDocument(lambdas());
    await waitFor('MP201', () => codes(lambdas()).includes('MP201'));
    assert.deepEqual(codes(lambdas()), ['MP201']);
  });

  it('mpguard.showLogs runs', async () => {
    await vscode.commands.executeCommand('mpguard.showLogs');
  });

  it('mpguard.fixAll fixes the active editor', async () => {
    const editor = await vscode.window.showTextDocument(broken());
    await waitFor('MP101', () => codes(broken()).includes('MP101'));
    const before = editor.document.getText();
    const applied = await vscode.commands.executeCommand<number>('mpguard.fixAll');
    assert.equal(applied, 1);
    const after = editor.document.getText();
    assert.notEqual(after, before);
    assert.match(after, /^if __name__ == "__main__":\n {4}with Pool\(2\) as pool:/m);
    await waitFor('MP101 to go away', () => !codes(broken()).includes('MP101'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(editor.document.getText(), before);
    await waitFor('MP101 back after revert', () => codes(broken()).includes('MP101'));
  });

  it('mpguard.restart starts a new server that publishes again', async () => {
    const old = mp.client;
    await vscode.commands.executeCommand('mpguard.restart');
    await waitFor('the server to run again', () => mp.state.kind === 'running' && mp.client !== old);
    assert.notEqual(mp.client, old);
    await vscode.window.showTextDocument(broken());
    await waitFor('MP101 after restart', () => codes(broken()).includes('MP101'));
  });

  it('takes mpguard.select live, without a restart', async () => {
    await waitFor('MP101', () => codes(broken()).includes('MP101'));
    const client = mp.client;
    await setSetting('select', ['MP2']);
    await waitFor('MP101 to disappear with select=["MP2"]', () => !codes(broken()).includes('MP101'));
    await vscode.window.showTextDocument(lambdas());
    await waitFor('MP201 to stay', () => codes(lambdas()).includes('MP201'));
    assert.equal(mp.client, client, 'the server was restarted for a setting it takes live');
    await setSetting('select', undefined);
    await waitFor('MP101 back', () => codes(broken()).includes('MP101'));
  });

  it('clears diagnostics when mpguard.enable is false', async () => {
    await waitFor('MP101', () => codes(broken()).includes('MP101'));
    await setSetting('enable', false);
    await waitFor('diagnostics cleared', () => ours(broken()).length === 0 && ours(lambdas()).length === 0);
    await setSetting('enable', undefined);
    await waitFor('MP101 back', () => codes(broken()).includes('MP101'));
  });

  it('restarts on mpguard.interpreter and reports a bad interpreter in the status', async () => {
    await setSetting('interpreter', ['/nonexistent/python3']);
    const state = await waitFor('the error state', () => mp.state.kind === 'error' && mp.state);
    assert.match(state.message, /\/nonexistent\/python3/);
    assert.match(state.fix ?? '', /mpguard\.interpreter/);
    // An error notification, whatever mpguard.showNotifications says (default "off").
    assert.match(mp.lastFailureNotice ?? '', /^mpguard: Cannot run the Python interpreter \/nonexistent\/python3/);
    await setSetting('interpreter', undefined);
    await waitFor('the server to run again', () => mp.state.kind === 'running');
    await waitFor('MP101 after recovery', () => codes(broken()).includes('MP101'));
  });

  it('hovers a finding with the rule summary, not the message or the whole page', async () => {
    await vscode.window.showTextDocument(lambdas());
    const d = await waitFor('MP201', () => ours(lambdas()).find(x => codeOf(x) === 'MP201'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', lambdas(), d.range.start);
    const texts = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value)));
    const ourHover = texts.find(t => t.startsWith('**MP201** lambda-to-process'));
    assert.ok(ourHover, texts.join('\n---\n'));
    assert.ok(!ourHover.includes(d.message), 'the hover repeats the message');
    assert.ok(!/^#/m.test(ourHover), 'the hover has a heading');
    assert.match(ourHover, /\[Full documentation of MP201\]\(https:/);
  });

  it('leaves out the code actions turned off by fixAll and codeAction.*.enable (the server reads them)', async () => {
    const d = await waitFor('MP101', () => ours(broken()).find(x => codeOf(x) === 'MP101'));
    const titles = async () => ((await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', broken(), d.range)) ?? []).map(a => a.title);
    assert.ok((await titles()).includes('Disable MP101 for this line'));
    await setSetting('codeAction.disableRuleComment', { enable: false });
    await setSetting('codeAction.fixViolation', { enable: false });
    // The server takes the change with didChangeConfiguration and a configuration pull.
    await waitForAsync('the toggled actions to go', async () => {
      const now = await titles();
      return now.some(t => t.startsWith('Disable MP101') || t.startsWith('Wrap in')) ? undefined : true;
    });
    await setSetting('fixAll', false);
    await vscode.window.showTextDocument(broken());
    await waitForAsync('no fix-all action', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider', broken(), d.range, 'source.fixAll.mpguard');
      return (all ?? []).length === 0 ? true : undefined;
    });
    assert.equal(await vscode.commands.executeCommand<number>('mpguard.fixAll'), 0);
  });

  it('shows the rule documentation of the finding at the cursor, and the debug info', async () => {
    const editor = await vscode.window.showTextDocument(lambdas());
    const d = await waitFor('MP201', () => ours(lambdas()).find(x => codeOf(x) === 'MP201'));
    editor.selection = new vscode.Selection(d.range.start, d.range.start);
    await vscode.commands.executeCommand('mpguard.showRuleDocumentation');
    const page = await vscode.workspace.openTextDocument(vscode.Uri.parse('mpguard-docs:/MP201.md'));
    assert.match(page.getText(), /^# MP201 lambda-to-process/);
    await vscode.commands.executeCommand('mpguard.showDebugInfo');
    const info = await vscode.workspace.openTextDocument(vscode.Uri.parse('mpguard-docs:/debug-info.md'));
    assert.match(info.getText(), /^# mpguard debug info\n/);
    assert.match(info.getText(), /^- server: mpguard /m);
    assert.match(info.getText(), /^- interpreter: Python 3\.\d+/m);
  });

  it('shows why a Python 3.8 interpreter cannot run the server, in a notification', async function () {
    // pyenv's or Debian's 3.8, when the machine has one (the CI image has pyenv's).
    const python38 = ['/root/.pyenv/versions/3.8.18/bin/python3.8', '/usr/bin/python3.8'].find(p => fs.existsSync(p));
    if (!python38) return this.skip();
    await setSetting('interpreter', [python38]);
    const state = await waitFor('the error state', () => mp.state.kind === 'error' && mp.state);
    assert.match(state.message, /is Python 3\.8\.\d+; mpguard needs Python 3\.10 or newer\./);
    assert.match(mp.lastFailureNotice ?? '', /^mpguard: .*python3\.8 is Python 3\.8\.\d+; mpguard needs Python 3\.10 or newer\. Set "mpguard\.interpreter"/);
    await setSetting('interpreter', undefined);
    await waitFor('the server to run again', () => mp.state.kind === 'running');
  });

  it('names the missing module of a server that dies while starting', async () => {
    // The server command of "mpguard.path", importing a module that does not exist.
    await setSetting('path', ['python3', '-c', 'import mpguard_no_such_module']);
    const state = await waitFor('the error state', () => mp.state.kind === 'error' && mp.state);
    assert.match(state.message, /^The mpguard server (exited while starting|failed to start)/);
    await waitFor('the notification', () => /No module named 'mpguard_no_such_module'/.test(mp.lastFailureNotice ?? ''));
    await setSetting('path', undefined);
    await waitFor('the server to run again', () => mp.state.kind === 'running');
    await waitFor('MP101 after recovery', () => codes(broken()).includes('MP101'));
  });
});
