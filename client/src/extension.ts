// Entry point: wires VS Code events to the pure modules and to vscode-languageclient.
// Decisions (settings precedence, Restricted Mode, interpreter order, command line, what a
// settings change means) live in settings.ts / interpreter.ts / serverCommand.ts / status.ts.
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CloseAction, DidChangeConfigurationNotification, ErrorAction, ExecuteCommandRequest, LanguageClient, RevealOutputChannelOn, State,
} from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { bundleBlocksLaunch } from './bundleNotice';
import { readBundleInfo } from './bundleSupport';
import { CHECK_WORKSPACE, forwardToServer, ruleAtCursor, splitServerCommands } from './commands';
import { hasMpguardTable, renderDebugInfo } from './debugInfo';
import { CrashPolicy, FailureMemory, failureNotice } from './failure';
import {
  configSource, PYTHON_EXTENSION_ID, pythonEnvironmentsApi, pythonExtensionInterpreter, RoutedOutputChannel, StatusItem,
  VirtualDocs, writeRouted,
} from './host';
import { LogRouter } from './logRouting';
import { resolutionKey, resolveServer } from './interpreter';
import type { Resolution } from './interpreter';
import { formatVersion, probePython, versionOk } from './probe';
import { buildLaunch, describeLaunch, probeEnv } from './serverCommand';
import type { LaunchPlan } from './serverCommand';
import { RestartQueue } from './restartQueue';
import { nodeTrustFs, restrictInputs } from './trust';
import {
  actionForChange, buildInitializationOptions, ignoredWorkspaceValues, configurationAnswer, readCodeActionSettings,
  readLaunchSettings, SECTION,
} from './settings';
import type { ServerState } from './status';
import { statusView } from './status';
import { which } from './which';

export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebook: '*', language: 'python' },
];
/** Where the language status item shows (any Python editor, notebook cells included). */
const STATUS_SELECTOR: vscode.DocumentSelector = [{ language: 'python' }];
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('mpguard');
/** The server's last stderr lines (the reason it died) may arrive just after the connection closed. */
const STDERR_DRAIN_MS = 200;

/** vscode-languageclient, minus its forced generic error pop-ups: the extension shows its own
 *  (with the reason and actions, see failure.ts) and hears of the others through `onForcedError`. */
class QuietLanguageClient extends LanguageClient {
  constructor(id: string, name: string, server: ServerOptions, options: LanguageClientOptions,
    private readonly onForcedError: (message: string) => void) {
    super(id, name, server, options);
  }

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    super.error(message, data, showNotification === 'force' ? false : showNotification);
    if (showNotification === 'force') this.onForcedError?.(message); // (not yet set while super() runs)
  }
}

/** Returned by activate(): used by the extension-host tests, handy for debugging. */
export interface MpguardApi {
  readonly state: ServerState;
  readonly launch: LaunchPlan | undefined;
  readonly client: LanguageClient | undefined;
  restart(reason?: string): Promise<void>;
  fixAll(): Promise<number>;
  /** Server commands vscode-languageclient registered (those not owned by the extension). */
  readonly serverCommands: string[];
  /** The text of the last failure notification shown (for the extension-host tests). */
  readonly lastFailureNotice: string | undefined;
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MpguardApi> {
  extension = new Extension(context);
  context.subscriptions.push(extension);
  void extension.queue.request('activation');
  return extension.api();
}

export async function deactivate(): Promise<void> {
  await extension?.shutdown();
  extension = undefined;
}

class Extension implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('mpguard', { log: true });
  readonly status = new StatusItem(STATUS_SELECTOR);
  readonly queue = new RestartQueue(reasons => this.start(reasons));
  /** One per server process (start()): a stopping server's stderr must not colour the next one's. */
  private router = new LogRouter(entry => writeRouted(this.log, entry));
  private readonly traceRouter = new LogRouter(entry => writeRouted(this.log, entry));
  private readonly failures = new FailureMemory();
  private readonly crashes = new CrashPolicy();
  private readonly docs = new VirtualDocs();
  private client: LanguageClient | undefined;
  private launchDetail = '';
  /** vscode-languageclient is restarting the server after a crash (CrashPolicy allowed it). */
  private crashRestart = false;
  private lastFailureNotice: string | undefined;
  /** start() awaits client.start(): it reports a failure itself. */
  private starting = false;
  private launch: LaunchPlan | undefined;
  private lastResolution = '';
  private disposables: vscode.Disposable[] = [];
  private stopping = false;
  private ownedServerCommands: string[] = [];
  private registeredServerCommands: string[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      this.log,
      this.status,
      this.docs,
      vscode.commands.registerCommand('mpguard.restart', () => {
        this.failures.reset(); // the user asked: a failure again is worth telling
        return this.queue.request('command: Restart Server');
      }),
      vscode.commands.registerCommand('mpguard.showLogs', () => this.log.show(true)),
      vscode.commands.registerCommand('mpguard.fixAll', (...args: unknown[]) => this.fixAllCommand(args)),
      vscode.commands.registerCommand('mpguard.showRuleDocumentation', (code?: unknown) => this.showRuleDocumentation(code)),
      vscode.commands.registerCommand('mpguard.showDebugInfo', () => this.showDebugInfo()),
      vscode.commands.registerCommand('mpguard.checkWorkspace', (...args: unknown[]) => this.checkWorkspace(args)),
      vscode.workspace.onDidChangeConfiguration(e => this.onConfigChange(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.queue.request('workspace trusted')),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.queue.request('workspace folders changed')),
    );
    void this.watchPythonExtension();
  }

  api(): MpguardApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      get state() { return self.status.state; },
      get launch() { return self.launch; },
      get client() { return self.client; },
      restart: (reason = 'api') => self.queue.request(reason),
      fixAll: () => self.fixAll(),
      get serverCommands() { return self.registeredServerCommands; },
      get lastFailureNotice() { return self.lastFailureNotice; },
    };
  }

  private onConfigChange(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(SECTION)) return;
    const action = actionForChange(key => e.affectsConfiguration(`${SECTION}.${key}`), this.serverListensForConfig());
    this.log.debug(`settings changed: ${action}`);
    if (action === 'restart') void this.queue.request('settings changed');
  }

  /** Did the server register for workspace/didChangeConfiguration (so it takes settings live)? */
  private serverListensForConfig(): boolean {
    if (!this.client || !this.client.isRunning()) return false;
    // getFeature has no typed overload for this method in vscode-languageclient 9.
    const feature = (this.client as unknown as { getFeature(m: string): { getState(): { registrations?: boolean } } | undefined })
      .getFeature(DidChangeConfigurationNotification.method);
    return !!feature?.getState().registrations;
  }

  private async watchPythonExtension(): Promise<void> {
    try {
      const envs = await pythonEnvironmentsApi();
      if (!envs?.onDidChangeActiveEnvironmentPath) return;
      this.disposables.push(envs.onDidChangeActiveEnvironmentPath(async () => {
        const r = await this.resolve();
        if (resolutionKey(r) !== this.lastResolution) void this.queue.request('Python environment changed');
      }));
    } catch (e) {
      this.log.debug(`Python extension API unavailable: ${String(e)}`);
    }
  }

  private async resolve(): Promise<Resolution> {
    const trusted = vscode.workspace.isTrusted;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const first = folders[0]?.uri;
    const src = configSource(first);
    const vars = { workspaceFolder: first?.fsPath, userHome: os.homedir(), env: process.env };
    const launch = readLaunchSettings(src, { trusted }, vars);
    const restricted: string[] = []; // Restricted Mode: nothing inside the workspace runs (trust.ts)
    const trust = { trusted, workspaceFolders: folders.map(f => f.uri.fsPath), fs: nodeTrustFs };
    const resolution = await resolveServer(restrictInputs({
      pathSetting: launch.path,
      interpreterSetting: launch.interpreter,
      pythonExtensionInterpreter: () => pythonExtensionInterpreter(first),
      which: name => which(name),
      trusted,
      workspaceFolders: folders.map(f => f.uri.fsPath),
    }, trust, restricted, name => which(name)));
    resolution.notes.unshift(...restricted);
    return resolution;
  }

  private async start(reasons: string[]): Promise<void> {
    await this.stopClient();
    this.log.info(`starting the server (${reasons.join(', ')})`);
    this.status.set({ kind: 'starting' });
    const trusted = vscode.workspace.isTrusted;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const src = configSource(folders[0]?.uri);
    for (const key of ignoredWorkspaceValues(src, { trusted })) {
      this.log.warn(`Restricted Mode: ignoring the workspace value of "${SECTION}.${key}"; trust the workspace to use it.`);
    }
    const vars = { workspaceFolder: folders[0]?.uri.fsPath, userHome: os.homedir(), env: process.env };
    const launchSettings = readLaunchSettings(src, { trusted }, vars);

    const resolution = await this.resolve();
    this.lastResolution = resolutionKey(resolution);
    for (const note of resolution.notes) this.log.info(note);
    if (!resolution.ok) {
      this.fail(resolution.message, resolution.fix);
      return;
    }

    let detail = resolution.source === 'path' ? `server command from "mpguard.path"` : '';
    let importable: boolean | undefined;
    if (resolution.kind === 'python') {
      const probe = await probePython(resolution.argv, {
        checkImport: launchSettings.importStrategy === 'fromEnvironment',
        env: probeEnv(process.env),
        cwd: this.context.extensionPath,
      });
      if (!probe.ok) {
        const message = `Cannot run the Python interpreter ${resolution.argv[0]} (from ${resolution.source}): ${probe.error}.`;
        this.fail(message, 'Set "mpguard.interpreter" to a working Python 3.10+ executable.');
        return;
      }
      if (!versionOk(probe.version)) {
        const message = `${probe.executable} is Python ${formatVersion(probe.version)}; mpguard needs Python 3.10 or newer.`;
        this.fail(message, 'Set "mpguard.interpreter" to a Python 3.10+ executable.');
        return;
      }
      const probeOptions = { env: probeEnv(process.env), cwd: this.context.extensionPath };
      // bundleNotice shows its own notification (with "Use mpguard from the Environment").
      const report = (message: string, fix: string): void => this.status.set({ kind: 'error', message, fix });
      if (await bundleBlocksLaunch({ extensionPath: this.context.extensionPath, argv: resolution.argv, probe, probeOptions,
        importStrategy: launchSettings.importStrategy, log: this.log, report })) return;
      importable = probe.mpguardImportable;
      detail = `Python ${formatVersion(probe.version)} (${probe.executable}, from ${resolution.source})`;
    }
    this.launchDetail = detail;

    const plan = buildLaunch({
      resolved: resolution,
      importStrategy: launchSettings.importStrategy,
      extensionPath: this.context.extensionPath,
      baseEnv: process.env,
      mpguardImportable: importable,
    });
    for (const note of plan.notes) this.log.warn(note);
    this.log.info(`launch: ${describeLaunch(plan)}`);
    this.launch = plan;

    this.router = new LogRouter(entry => writeRouted(this.log, entry));
    const serverOptions: ServerOptions = { command: plan.command, args: plan.args, options: { cwd: plan.cwd, env: plan.env } };
    const folderSources = folders.map(f => ({ uri: f.uri.toString(), source: configSource(f.uri) }));
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      diagnosticCollectionName: 'mpguard',
      // Routed: one timestamp, the server's levels, no protocol noise (logRouting.ts).
      outputChannel: new RoutedOutputChannel(this.log, this.router, 'stderr'),
      traceOutputChannel: new RoutedOutputChannel(this.log, this.traceRouter, 'prefix'),
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // No pop-up of the bare JSON-RPC error ("Pending response rejected..."): start() reports it.
      initializationFailedHandler: () => false,
      // Our own error notification (with the reason and actions) instead of the client's generic one.
      errorHandler: {
        // vscode-languageclient's policy (shut down after 3 write errors), without its pop-up.
        error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
        closed: () => {
          // A server that dies while starting: start() reports it, with the reason from stderr.
          if (this.status.state.kind !== 'running') return { action: CloseAction.DoNotRestart, handled: true };
          const decision = this.crashes.closed(Date.now());
          if (decision.restart) {
            this.log.warn('the server exited; restarting it');
            this.crashRestart = true;
            return { action: CloseAction.Restart, handled: true };
          }
          this.router.flush();
          this.fail(decision.message, 'See "mpguard: Show Logs", then run "mpguard: Restart Server".');
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      initializationOptions: buildInitializationOptions(folderSources, configSource(), { trusted }),
      middleware: {
        workspace: {
          // Defaults must not override pyproject.toml; Restricted Mode hides workspace launch settings.
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) return answer;
            const opts = { trusted: vscode.workspace.isTrusted };
            return answer.map((value, i) => {
              const item = params.items[i];
              if (item?.section !== SECTION) return value;
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return configurationAnswer(value, configSource(scope), opts, vars);
            });
          },
          // vscode-languageclient would send VS Code's raw values (package.json defaults included,
          // e.g. select: [] = "no rules" for the server); send the same normalised answer instead.
          didChangeConfiguration: async (sections, next) => {
            if (sections && !sections.includes(SECTION)) return next(sections);
            const raw = JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION))) as unknown;
            const settings = configurationAnswer(raw, configSource(), { trusted: vscode.workspace.isTrusted }, vars);
            await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
          },
        },
      },
    };
    const client = new QuietLanguageClient('mpguard', 'mpguard', serverOptions, clientOptions, message => {
      // Its generic pop-ups ("couldn't create connection to server", "Restarting server failed"):
      // while start() runs, start() reports the failure itself; afterwards, report it here.
      if (!this.starting && this.status.state.kind !== 'error') this.fail(message, 'See "mpguard: Show Logs", then run "mpguard: Restart Server".');
    });
    this.client = client;
    this.shareCommandsWithServer(client);
    client.onDidChangeState(e => {
      if (e.newState === State.Running) this.crashRestart = false;
      if (e.newState === State.Stopped && this.client === client && !this.stopping && !this.starting && !this.crashRestart
        && this.status.state.kind !== 'error') {
        this.fail('The mpguard server stopped.', 'See "mpguard: Show Logs", then run "mpguard: Restart Server".');
      }
    });
    this.starting = true;
    try {
      await client.start();
      // vscode-languageclient 9 resolves start() when the server died during initialize.
      if (!client.isRunning()) throw new Error('the server exited while starting');
      this.starting = false;
      this.router.connected = true;
      this.failures.reset();
      const info = client.initializeResult?.serverInfo;
      const server = plan.serverFrom === 'bundled' ? 'bundled server' : plan.serverFrom === 'environment' ? 'server from the environment' : 'server';
      this.status.set({ kind: 'running', detail: `${info ? `${info.name} ${info.version ?? ''}`.trim() : 'mpguard'} · ${server} · ${detail}` });
      this.log.info(`server running: ${detail}`);
    } catch (e) {
      this.starting = false;
      await new Promise(resolve => setTimeout(resolve, STDERR_DRAIN_MS));
      this.router.flush();
      const reason = this.router.lastError ?? (e instanceof Error ? e.message : String(e));
      if (this.status.state.kind !== 'error') this.fail(`The mpguard server failed to start: ${reason}`, 'See "mpguard: Show Logs".');
    }
  }

  /**
   * The server cannot run: the language status and a status-bar item turn to error, and an error
   * notification says why with actions, whatever `mpguard.showNotifications` says.
   */
  private fail(message: string, fix: string): void {
    this.log.error(`${message} ${fix}`);
    this.status.set({ kind: 'error', message, fix });
    if (!this.failures.shouldNotify(message)) return;
    const notice = failureNotice(message, fix, this.router.lastError, !!vscode.extensions.getExtension(PYTHON_EXTENSION_ID));
    this.lastFailureNotice = notice.message;
    void vscode.window.showErrorMessage(notice.message, ...notice.actions.map(a => a.title)).then(choice => {
      const action = notice.actions.find(a => a.title === choice);
      if (action) void vscode.commands.executeCommand(action.command, ...action.args);
    });
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    try {
      if (client.needsStop()) await client.stop(5000);
    } catch (e) {
      this.log.warn(`stopping the server: ${String(e)}`);
    } finally {
      this.stopping = false;
      this.client = undefined;
      await client.dispose().catch(() => undefined);
    }
  }

  /**
   * The server's executeCommandProvider may list ids this extension already registered
   * (mpguard.fixAll): keep ours, let vscode-languageclient register the rest.
   */
  private shareCommandsWithServer(client: LanguageClient): void {
    const feature = client.getFeature(ExecuteCommandRequest.method);
    const register = feature.register.bind(feature);
    feature.register = data => {
      const split = splitServerCommands(data.registerOptions.commands);
      this.ownedServerCommands = split.owned;
      this.registeredServerCommands = split.register;
      if (split.owned.length) this.log.debug(`server commands handled by the extension: ${split.owned.join(', ')}`);
      register({ ...data, registerOptions: { ...data.registerOptions, commands: split.register } });
    };
  }

  private async fixAllCommand(args: unknown[]): Promise<unknown> {
    if (this.client?.isRunning() && forwardToServer('mpguard.fixAll', args, this.ownedServerCommands)) {
      return this.client.sendRequest(ExecuteCommandRequest.type, { command: 'mpguard.fixAll', arguments: args });
    }
    return this.fixAll();
  }

  /** Palette: the documentation of the rule of the diagnostic at the cursor (or of `code`). */
  private async showRuleDocumentation(arg?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const code = typeof arg === 'string' ? arg
      : editor && ruleAtCursor(vscode.languages.getDiagnostics(editor.document.uri), editor.selection.active);
    if (!code) {
      void vscode.window.showInformationMessage('mpguard: no mpguard finding at the cursor.');
      return;
    }
    const client = this.client;
    if (client?.isRunning()) {
      const answer = await client.sendRequest(ExecuteCommandRequest.type, { command: 'mpguard.showRuleDocs', arguments: [{ code, open: false }] })
        .catch((e: unknown) => { this.log.warn(`mpguard.showRuleDocs: ${String(e)}`); return undefined; }) as { markdown?: string } | undefined;
      if (answer?.markdown) {
        await this.docs.show(`${code}.md`, answer.markdown);
        return;
      }
    }
    // No server to ask: the published page.
    await vscode.env.openExternal(vscode.Uri.parse(`https://github.com/mpguard/mpguard/blob/main/docs/rules/${code}.md`));
  }

  /** Palette: versions, interpreter, bundle, settings and config files, as a Markdown page. */
  private async showDebugInfo(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const client = this.client;
    const serverStats = client?.isRunning()
      ? await client.sendRequest(ExecuteCommandRequest.type, { command: 'mpguard.debugInfo', arguments: [] }).catch((e: unknown) => `error: ${String(e)}`)
      : 'not running';
    const pyprojects = await vscode.workspace.findFiles('**/pyproject.toml', '**/{node_modules,.venv,venv,.git}/**', 50);
    const configFiles: string[] = [];
    for (const uri of pyprojects) {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      if (hasMpguardTable(text)) configFiles.push(vscode.workspace.asRelativePath(uri));
    }
    const view = statusView(this.status.state);
    const info = client?.initializeResult?.serverInfo;
    const text = renderDebugInfo({
      extensionVersion: String(this.context.extension.packageJSON.version ?? '?'),
      vscodeVersion: vscode.version,
      platform: `${process.platform}-${process.arch}`,
      state: `${view.text} — ${view.detail}`,
      launch: this.launch ? describeLaunch(this.launch) : 'not launched',
      interpreter: this.launchDetail || 'not resolved',
      bundle: readBundleInfo(this.context.extensionPath) ?? 'no bundled server',
      server: info ? `${info.name} ${info.version ?? ''}`.trim() : 'not running',
      settings: JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION, folder?.uri))),
      configFiles,
      serverStats,
    });
    await this.docs.show('debug-info.md', text);
  }

  /** Palette: the server's whole-workspace check (its progress and cancellation are the server's). */
  private async checkWorkspace(args: unknown[]): Promise<unknown> {
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showWarningMessage('mpguard: the server is not running; see "mpguard: Show Logs".');
      return undefined;
    }
    if (!this.ownedServerCommands.includes(CHECK_WORKSPACE)) {
      void vscode.window.showWarningMessage('mpguard: this mpguard server cannot check the whole workspace; update it.');
      return undefined;
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE, arguments: args });
  }

  /** Apply the server's `source.fixAll.mpguard` action to the active editor. Returns edits applied. */
  async fixAll(): Promise<number> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
      void vscode.window.showInformationMessage('mpguard: open a Python file to fix.');
      return 0;
    }
    const doc = editor.document;
    if (!readCodeActionSettings(configSource(doc.uri), { trusted: vscode.workspace.isTrusted }).fixAll) {
      void vscode.window.showInformationMessage('mpguard: Fix All is turned off ("mpguard.fixAll").');
      return 0;
    }
    const range = doc.validateRange(new vscode.Range(0, 0, doc.lineCount, 0));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', doc.uri, range, FIX_ALL_KIND.value, 10)) ?? [];
    const action = actions.find(a => a.kind && FIX_ALL_KIND.contains(a.kind));
    if (!action) {
      this.log.info('Fix All: nothing to fix');
      return 0;
    }
    let applied = 0;
    if (action.edit && await vscode.workspace.applyEdit(action.edit)) applied++;
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    this.log.info(`Fix All: applied "${action.title}"`);
    return applied;
  }

  async shutdown(): Promise<void> {
    this.queue.dispose();
    await this.stopClient();
  }

  dispose(): void {
    this.queue.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
