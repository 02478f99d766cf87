#!/usr/bin/env node
// Screenshots of mpguard in a real VS Code (code-server, see ../shared/vscode-e2e), for the docs,
// reviews and bug reports: what a user sees, not what the protocol says.
//
//   node tests/e2e/screenshots.mjs --vsix FILE --workspace DIR [--file broken_guard.py]
//        [--bad-interpreter PYTHON] [--out DIR] [--timeout SECONDS]
//
// Session 1, the server working, FILE open (a copy of the workspace):
//   OUT/hover.png          the hover on the first diagnostic (Ctrl+K Ctrl+I at its start)
//   OUT/quickfix.png       the Ctrl+. menu on it
//   OUT/problems.png       the Problems panel
// Session 2, `mpguard.interpreter` set to --bad-interpreter (default: an interpreter that does
// not exist; CI passes a Python 3.8), FILE open:
//   OUT/error-state.png    the window as the user finds it: notification toasts and status bar
// OUT/screenshots.json records the text of each (hover, menu entries, Problems rows, toasts,
// status-bar entries naming mpguard), so a test asserts on words while a person looks at pixels.
// Exit 0 when session 1 showed a hover, a menu and Problems rows for the file; 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const E2E = process.env.VSCODE_E2E_DIR || path.resolve(HERE, '..', '..', '..', 'shared', 'vscode-e2e');
const {
  buildProbeVsix, collectLogs, freshDir, launchBrowser, loadToolchain, parseArgs,
  prepareProfile, readJson, sleep, startCodeServer, workbenchUrl,
} = await import(path.join(E2E, 'lib.mjs'));

const USAGE = 'usage: node screenshots.mjs --vsix FILE --workspace DIR [--file REL] [--bad-interpreter PYTHON] [--out DIR] [--timeout S]';

/** One code-server + Chromium session with the .vsix and the probe; `body(page, ctx)` drives it. */
async function session(tc, name, opts, settings, body) {
  const runDir = freshDir(path.join(opts.outDir, `run-${name}`));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(opts.workspace, workspace, { recursive: true });
  const file = path.join(workspace, opts.file);
  const probeOut = path.join(runDir, 'probe');
  const profile = prepareProfile(tc, runDir, { vsix: [buildProbeVsix(runDir), opts.vsix], settings });
  let server; let browser;
  try {
    server = await startCodeServer(tc, profile, { env: { VSCODE_E2E_OUT: probeOut, VSCODE_E2E_OPEN: file } });
    const launched = await launchBrowser(tc);
    browser = launched.browser;
    const page = launched.page;
    await page.goto(workbenchUrl(server, workspace));
    await page.waitForSelector('.monaco-workbench', { timeout: opts.timeoutMs });
    const diagnostics = () => (readJson(path.join(probeOut, 'state.json'))?.diagnostics || {})[file] || [];
    return await body(page, { diagnostics, deadline: Date.now() + opts.timeoutMs });
  } catch (e) {
    if (browser) {
      const pages = browser.contexts().flatMap(c => c.pages());
      if (pages[0]) await pages[0].screenshot({ path: path.join(opts.outDir, `failure-${name}.png`) }).catch(() => {});
    }
    return { error: String(e && e.stack || e) };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    collectLogs(profile, path.join(opts.outDir, `logs-${name}`));
  }
}

async function texts(page, selector) {
  return page.$$eval(selector, els => els.map(e => (e.getAttribute('aria-label') || e.textContent || '').trim()))
    .catch(() => []);
}

/** Press `keys`, wait for `selector`, screenshot into `file`, close with Escape; the texts shown. */
async function capture(page, keys, selector, file, renderMs) {
  for (const key of keys) await page.keyboard.press(key);
  await page.waitForSelector(selector, { timeout: 15000 });
  await sleep(renderMs);
  const shown = await texts(page, selector);
  await page.screenshot({ path: file });
  await page.keyboard.press('Escape');
  await sleep(200);
  return shown;
}

async function goTo(page, diag) {
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${diag.range.start.line + 1}:${diag.range.start.character + 1}`);
  await page.keyboard.press('Enter');
  await sleep(300);
}

async function working(page, { diagnostics, deadline }, outDir) {
  const out = {};
  while (Date.now() < deadline && diagnostics().length === 0) await sleep(250);
  const diags = diagnostics();
  out.diagnostics = diags.map(d => `${d.code?.value ?? d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}`);
  if (!diags.length) throw new Error('no diagnostics on the file');
  await page.waitForSelector('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning', { timeout: 10000 })
    .catch(() => {});

  await goTo(page, diags[0]);
  // editor.action.showHover; the Markdown renders after the box appears
  out.hover = (await capture(page, ['Control+K', 'Control+I'], '.monaco-hover:not(.hidden) .hover-contents',
    path.join(outDir, 'hover.png'), 700)).join('\n');
  out.quickFixMenu = await capture(page, ['Control+.'], '.action-widget .monaco-list-row.action',
    path.join(outDir, 'quickfix.png'), 300);
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 15000 });
  await sleep(300);
  out.problems = await texts(page, '.markers-panel .monaco-list-row');
  await page.screenshot({ path: path.join(outDir, 'problems.png') });
  return out;
}

async function broken(page, { deadline }, outDir, waitMs) {
  // Whatever the extension does with a server that cannot start, it has done it by then:
  // a toast, or nothing at all (the failure this screenshot exists to catch).
  const until = Math.min(deadline, Date.now() + waitMs);
  while (Date.now() < until && (await texts(page, '.notifications-toasts .notification-toast')).length === 0) {
    await sleep(250);
  }
  await sleep(1000);
  const out = {
    toasts: await texts(page, '.notifications-toasts .notification-list-item'),
    statusBar: (await texts(page, '.statusbar-item')).filter(t => /mpguard/i.test(t)),
  };
  await page.screenshot({ path: path.join(outDir, 'error-state.png') });
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), { flags: ['help'] });
  } catch (e) { console.error(`${e.message}\n${USAGE}`); return 2; }
  if (args.help || !args.vsix || !args.workspace) { console.error(USAGE); return 2; }
  const opts = {
    vsix: path.resolve(args.vsix),
    workspace: path.resolve(args.workspace),
    file: args.file || 'broken_guard.py',
    outDir: freshDir(args.out || 'vscode-e2e-out/screenshots'),
    timeoutMs: Number(args.timeout ?? 120) * 1000,
  };
  const badInterpreter = args['bad-interpreter'] || '/nonexistent/python3';
  const tc = loadToolchain();
  const started = Date.now();
  const say = (m) => console.log(`[screenshots ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);

  const result = {};
  result.working = await session(tc, 'working', opts, {}, (page, ctx) => working(page, ctx, opts.outDir));
  say(`working server: ${result.working.error ? 'FAILED' : 'hover, quick-fix menu, Problems panel'}`);
  result.errorState = await session(tc, 'error', opts, { 'mpguard.interpreter': [badInterpreter] },
    (page, ctx) => broken(page, ctx, opts.outDir, 20000));
  result.errorState.interpreter = badInterpreter;
  say(`unusable interpreter ${badInterpreter}: ${JSON.stringify(result.errorState.toasts || result.errorState.error)}`);
  result.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  fs.writeFileSync(path.join(opts.outDir, 'screenshots.json'), JSON.stringify(result, null, 2));
  const w = result.working;
  const e = result.errorState;
  // The error state must be seen: a toast naming mpguard (a long multi-line reason once made
  // VS Code show none, leaving only the status-bar item).
  const errorShown = !e.error && (e.toasts || []).some(t => /mpguard/.test(t));
  const ok = !w.error && !!w.hover && w.quickFixMenu.length > 0 && w.problems.length > 0 && errorShown;
  say(`${ok ? 'PASS' : 'FAIL'} -> ${opts.outDir}`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
