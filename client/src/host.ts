// Thin adapters from the VS Code API to the pure modules (settings, interpreter, status).
import * as vscode from 'vscode';
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

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  state: ServerState = { kind: 'starting' };

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.languages.createLanguageStatusItem('mpguard.status', selector);
    this.item.name = 'mpguard';
    this.item.command = { command: 'mpguard.showLogs', title: 'Show Logs' };
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
  }

  dispose(): void {
    this.item.dispose();
  }
}
