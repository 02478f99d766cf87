import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LogRouter } from '../logRouting';
import type { Routed } from '../logRouting';

function router(): { r: LogRouter; out: Routed[] } {
  const out: Routed[] = [];
  return { r: new LogRouter(e => out.push(e)), out };
}

describe('LogRouter: lines of vscode-languageclient', () => {
  it('drops the client timestamp and maps the server level onto the channel level', () => {
    const { r, out } = router();
    r.line('[Warn  - 11:02:03 AM] WARNING mpguard.lsp: mpguard: unknown setting `foo` in workspace/configuration; ignored');
    r.line('[Info  - 11:02:04] INFO mpguard.lsp: pyproject.toml changed; re-linting 2 open documents');
    r.line('[Error - 11:02:05 AM] ERROR mpguard.lsp: hover failed\nTraceback (most recent call last):\nValueError: x');
    r.line('DEBUG mpguard.lsp: analysed in 12 ms'); // logMessage of type Log: written raw
    assert.deepEqual(out, [
      { level: 'warn', text: 'mpguard.lsp: mpguard: unknown setting `foo` in workspace/configuration; ignored' },
      { level: 'info', text: 'mpguard.lsp: pyproject.toml changed; re-linting 2 open documents' },
      { level: 'error', text: 'mpguard.lsp: hover failed\nTraceback (most recent call last):\nValueError: x' },
      { level: 'debug', text: 'mpguard.lsp: analysed in 12 ms' },
    ]);
    assert.equal(r.lastError, 'ValueError: x');
  });

  it('keeps the client\'s own messages and their data lines at their level', () => {
    const { r, out } = router();
    r.line('[Error - 11:02:03 AM] Server initialization failed.');
    r.line('  Message: Pending response rejected since connection got disposed');
    assert.deepEqual(out.map(e => e.level), ['error', 'error']);
    assert.equal(out[0].text, 'Server initialization failed.');
  });

  it('logs the exit of a stopped server (code 0) at info, other exits at error', () => {
    const { r, out } = router();
    r.line('[Error - 9:06:22 AM] Server process exited with code 0.');
    r.line('[Error - 9:06:23 AM] Server process exited with code 1.');
    assert.deepEqual(out.map(e => e.level), ['info', 'error']);
    assert.equal(r.lastError, undefined, 'the client\'s own messages are not the server\'s reason');
  });

  it('shows traces (prefix appended, then the line) at info', () => {
    const { r, out } = router();
    r.line('[Trace - 11:02:03 AM] Sending request \'textDocument/hover - (12)\'.');
    assert.deepEqual(out, [{ level: 'info', text: 'Sending request \'textDocument/hover - (12)\'.' }]);
  });
});

describe('LogRouter: the server\'s stderr', () => {
  it('joins chunks into lines and maps record levels, with one timestamp', () => {
    const { r, out } = router();
    r.stderr('2026-12-03 11:02:03,456 WARNING pygls.server: slow ');
    r.stderr('request\n2026-12-03 11:02:04,001 INFO mpguard.lsp: started\n');
    assert.deepEqual(out, [
      { level: 'warn', text: 'pygls.server: slow request' },
      { level: 'info', text: 'mpguard.lsp: started' },
    ]);
  });

  it('drops "Cancel notification for unknown message id" noise', () => {
    const { r, out } = router();
    r.stderr('2026-12-03 11:02:03,456 WARNING pygls.protocol: Cancel notification for unknown message id "42"\n');
    r.line('[Warn  - 11:02:03 AM] Cancel notification for unknown message id "43"');
    r.stderr('2026-12-03 11:02:04,456 WARNING pygls.protocol.json_rpc: Server shutting down. No more requests!\n');
    assert.deepEqual(out, []);
  });

  it('drops the stderr copy of mpguard records once they come through logMessage', () => {
    const { r, out } = router();
    r.stderr('2026-12-03 11:02:03,456 INFO mpguard.lsp: before initialize\n');
    r.connected = true;
    r.stderr('2026-12-03 11:02:04,456 ERROR mpguard.lsp: hover failed\nTraceback (most recent call last):\n  File "x.py"\n');
    r.stderr('2026-12-03 11:02:05,456 ERROR pygls.protocol: Failed to handle request\n');
    assert.deepEqual(out, [
      { level: 'info', text: 'mpguard.lsp: before initialize' },
      { level: 'error', text: 'pygls.protocol: Failed to handle request' },
    ]);
  });

  it('treats Python\'s own start-up output as an error and remembers its last line', () => {
    const { r, out } = router();
    r.stderr('Traceback (most recent call last):\n  File "<frozen runpy>", line 189\n');
    r.stderr("ModuleNotFoundError: No module named 'mpguard'");
    r.flush();
    r.line('[Error - 11:02:03 AM] Connection to server got closed. Server will not be restarted.');
    assert.deepEqual(out.map(e => e.level), ['error', 'error', 'error', 'error']);
    assert.equal(r.lastError, "ModuleNotFoundError: No module named 'mpguard'");
  });
});
