// Thin adapters from the VS Code API to the pure modules (settings, interpreter, status, logs).
import * as vscode from 'vscode';
import type { LogRouter, Routed } from './logRouting';
import type { ConfigSource } from './settings';
import { SECTION } from './settings';
import type { ServerState } from './status';
import { statusView } from './status';

export function configSource(scope?: vscode.Uri): ConfigSource {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return { inspect: <T>(key: string) => config.inspect<T>(key) };
}

/** Minimal typing of the parts of ms-python.python's API we use (it is optional). */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
  resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';

export async function pythonEnvironmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  const envs = exports?.environments as PythonEnvironmentsApi | undefined;
  return envs && typeof envs.getActiveEnvironmentPath === 'function' ? envs : undefined;
}

/** The active interpreter of ms-python.python for `resource`, or undefined when not installed. */
export async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const envs = await pythonEnvironmentsApi();
  if (!envs) return undefined;
  const active = envs.getActiveEnvironmentPath(resource);
  if (!active) return undefined;
  try {
    const resolved = await envs.resolveEnvironment(active);
    const exe = resolved?.executable?.uri?.fsPath;
    if (exe) return exe;
  } catch {
    // fall through to the raw path
  }
  return active.path || undefined;
}

/** The language status item, plus a status-bar item that appears only while the server is in error. */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly errorItem: vscode.StatusBarItem;
  state: ServerState = { kind: 'starting' };

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.languages.createLanguageStatusItem('mpguard.status', selector);
    this.item.name = 'mpguard';
    this.item.command = { command: 'mpguard.showLogs', title: 'Show Logs' };
    this.errorItem = vscode.window.createStatusBarItem('mpguard.error', vscode.StatusBarAlignment.Right, 100);
    this.errorItem.name = 'mpguard error';
    this.errorItem.text = '$(error) mpguard';
    this.errorItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.errorItem.command = { command: 'mpguard.showLogs', title: 'Show Logs' };
    this.set(this.state);
  }

  set(state: ServerState): void {
    this.state = state;
    const view = statusView(state);
    this.item.text = view.text;
    this.item.detail = view.detail;
    this.item.busy = view.busy;
    this.item.severity = view.severity === 'error'
      ? vscode.LanguageStatusSeverity.Error
      : view.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    if (view.severity === 'error') {
      this.errorItem.tooltip = `${view.detail}\nClick for the log.`;
      this.errorItem.show();
    } else {
      this.errorItem.hide();
    }
  }

  dispose(): void {
    this.item.dispose();
    this.errorItem.dispose();
  }
}

export function writeRouted(log: vscode.LogOutputChannel, entry: Routed): void {
  log[entry.level](entry.text);
}

/**
 * The OutputChannel handed to vscode-languageclient: its lines (and, for the server channel, the
 * server's stderr, which it `append`s) go through a LogRouter into the LogOutputChannel at their
 * own level. The trace channel `append`s a `[LSP - time] ` prefix before each `appendLine`.
 */
export class RoutedOutputChannel implements vscode.OutputChannel {
  private prefix = '';

  constructor(private readonly log: vscode.LogOutputChannel, private readonly router: LogRouter,
    private readonly appendIs: 'stderr' | 'prefix') {}

  get name(): string { return this.log.name; }
  append(value: string): void {
    if (this.appendIs === 'stderr') this.router.stderr(value);
    else this.prefix += value;
  }
  appendLine(value: string): void {
    const line = this.prefix + value;
    this.prefix = '';
    this.router.line(line);
  }
  replace(value: string): void { this.appendLine(value); }
  clear(): void { this.log.clear(); }
  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    this.log.show(typeof columnOrPreserve === 'boolean' ? columnOrPreserve : preserveFocus);
  }
  hide(): void { this.log.hide(); }
  dispose(): void { this.router.flush(); } // the LogOutputChannel outlives the client
}

/** Read-only Markdown documents (rule pages, debug info): no "save changes?" when closed. */
export class VirtualDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly SCHEME = 'mpguard-docs';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(VirtualDocs.SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Show `markdown` rendered, as `name` (e.g. `MP201.md`). */
  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: VirtualDocs.SCHEME, path: `/${name}` });
    this.texts.set(uri.path, markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true }); // no Markdown extension: the source
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
