// Runs inside the extension host with the mpguard .vsix *installed* (not the repository copy):
// tests/e2e/run_vscode_e2e.sh passes the .vsix to ext-tests.mjs with an empty stub extension
// (tests/e2e/ext-host-stub) as the development extension. Issue 6: an .ipynb whose cell defines a
// worker used by a Pool -> MP204 on that cell, published on the cell's vscode-notebook-cell: URI.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MpguardApi } from '../extension';

const EXTENSION_ID = 'mpguard.mpguard';
const NOTEBOOK = 'pool_notebook.ipynb';

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter(d => d.source === 'mpguard');

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

describe('mpguard in a Jupyter notebook (installed .vsix)', function () {
  let nb: vscode.NotebookDocument;
  const cell = (i: number) => nb.cellAt(i).document;
  const dump = () => vscode.languages.getDiagnostics()
    .filter(([u]) => u.scheme === 'vscode-notebook-cell' || u.path.endsWith('.ipynb'))
    .map(([u, ds]) => `${u.toString()}: ${ds.map(d => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`).join(', ')}`)
    .join('\n');

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder');
    nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(folder.uri.fsPath, NOTEBOOK)));
    await vscode.window.showNotebookDocument(nb);
  });

  it('is a jupyter-notebook handled by the installed mpguard', async () => {
    assert.equal(nb.notebookType, 'jupyter-notebook');
    assert.deepEqual(nb.getCells().map(c => [c.kind, c.document.languageId]), [
      [vscode.NotebookCellKind.Code, 'python'],
      [vscode.NotebookCellKind.Markup, 'markdown'],
      [vscode.NotebookCellKind.Code, 'python'],
      [vscode.NotebookCellKind.Code, 'python'],
    ]);
    const ext = vscode.extensions.getExtension<MpguardApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not installed`);
    // Installed from the .vsix into the profile's extensions dir (…/extensions/mpguard.mpguard-X.Y.Z),
    // not loaded from the repository root.
    assert.notEqual(ext.extensionUri.fsPath, path.resolve(__dirname, '../../..'));
    assert.match(path.basename(ext.extensionUri.fsPath), /^mpguard\.mpguard-\d/,
      `${EXTENSION_ID} is loaded from ${ext.extensionUri.fsPath}, not from the installed .vsix`);
    const mp = ext.isActive ? ext.exports : await ext.activate();
    await waitFor('the server to run', () => mp.state.kind === 'running' || (mp.state.kind === 'error' && mp.state));
    assert.equal(mp.state.kind, 'running', JSON.stringify(mp.state));
    assert.equal(mp.launch?.serverFrom, 'bundled');
  });

  it('publishes MP204 on the cell that uses the worker in a Pool, and nothing on the other cells', async () => {
    const target = cell(3).uri;
    assert.equal(target.scheme, 'vscode-notebook-cell');
    assert.equal(target.path, nb.uri.path);
    const diags = await waitFor(`MP204 on cell 4 (${target.toString()}); notebook diagnostics so far:\n${dump()}`,
      () => { const d = ours(target); return d.some(x => codeOf(x) === 'MP204') && d; });
    assert.deepEqual(diags.map(codeOf), ['MP204']);
    // `print(pool.map(square, range(4)))`: the finding is on `square`, line 1 of the cell.
    const r = diags[0].range;
    assert.deepEqual([r.start.line, r.start.character, r.end.line, r.end.character], [1, 19, 1, 25]);
    assert.match(diags[0].message, /`square` is defined in a notebook cell/);
    for (const i of [0, 1, 2]) assert.deepEqual(ours(cell(i).uri).map(codeOf), [], `cell ${i + 1}`);
    // Nothing on the .ipynb file itself or on cells of another notebook.
    const elsewhere = vscode.languages.getDiagnostics()
      .filter(([u, ds]) => u.toString() !== target.toString() && ds.some(d => d.source === 'mpguard')
        && (u.scheme === 'vscode-notebook-cell' || u.path.endsWith('.ipynb')));
    assert.deepEqual(elsewhere.map(([u]) => u.toString()), []);
    console.log(`[notebook] MP204 on ${target.toString()} at ${r.start.line}:${r.start.character}`);
  });

  it('clears MP204 when the cell is edited to use the fork start method', async () => {
    const target = cell(3);
    const original = target.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.replace(target.uri, target.lineAt(0).range, 'import multiprocessing as mp\nwith mp.get_context("fork").Pool(2) as pool:');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(`MP204 to go away; notebook diagnostics:\n${dump()}`, () => !ours(target.uri).some(d => codeOf(d) === 'MP204'));
    const back = new vscode.WorkspaceEdit();
    back.replace(target.uri, new vscode.Range(0, 0, target.lineCount, 0), original);
    assert.ok(await vscode.workspace.applyEdit(back));
    await waitFor('MP204 back after undoing the edit', () => ours(target.uri).some(d => codeOf(d) === 'MP204'));
  });
});
