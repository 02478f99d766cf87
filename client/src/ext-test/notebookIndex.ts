// Entry point for ../shared/vscode-e2e/ext-tests.mjs with the *installed* .vsix (see
// notebook.e2e.ts): runs the notebook suite inside the extension host of a real VS Code.
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false });
  mocha.addFile(path.join(__dirname, 'notebook.e2e.js'));
  return new Promise((resolve, reject) => {
    mocha.run(failures => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
