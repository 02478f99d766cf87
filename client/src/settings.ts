// Settings model of the mpguard extension. Pure: no `vscode` import, so plain Node tests it.
//
// The extension host hands us `ConfigSource`s (a thin wrapper around
// `workspace.getConfiguration('mpguard', folder).inspect`), and everything that decides what a
// setting means — precedence, Restricted Mode, validation, `${...}` substitution, the
// `initializationOptions` sent to the server, which changes need a restart — lives here.
// The settings themselves (keys, defaults, groups) are declared once, in Python
// (server/mpguard/lsp/settings_schema.py), and generated into settingsSchema.ts and package.json.
import {
  CLIENT_SETTING_KEYS, LAUNCH_SETTING_KEYS, PROJECT_KEYS, RESTRICTED_SETTING_KEYS, SERVER_READ_KEYS, SETTING_DEFAULTS,
} from './settingsSchema';

export const SECTION = 'mpguard';

export type ImportStrategy = 'useBundled' | 'fromEnvironment';
export type RunMode = 'onType' | 'onSave';
export type StartMethod = 'auto' | 'spawn' | 'fork' | 'forkserver';
export type Platform = 'linux' | 'macos' | 'windows';
export type Notifications = 'off' | 'onError' | 'onWarning' | 'always';
export type LogLevel = 'error' | 'warning' | 'info' | 'debug';
export type SeverityLevel = 'error' | 'warning' | 'info' | 'hint';

/** The subset of `WorkspaceConfiguration.inspect()` that we use (language overrides ignored). */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface ConfigSource {
  /** `key` is relative to the `mpguard` section, e.g. `interpreter`. */
  inspect<T>(key: string): Inspected<T> | undefined;
}

/**
 * Settings the server reads (sent per folder in `initializationOptions`, and answered to its
 * `workspace/configuration` pulls). The rule-selection keys override `[tool.mpguard]` in
 * pyproject.toml on the server, so they are `null` ("not set": the server keeps the project's
 * value) unless the user set them; an empty `select` also means "not set".
 */
export interface ServerSettings {
  enable: boolean;
  run: RunMode;
  select: string[] | null;
  extendSelect: string[] | null;
  ignore: string[] | null;
  severity: Record<string, SeverityLevel> | null;
  startMethod: StartMethod | null;
  targetVersion: string | null;
  platforms: Platform[] | null;
  showNotifications: Notifications;
  logLevel: LogLevel;
  debounceMs: number;
  showSyntaxErrors: boolean;
  typeAware: boolean;
  typeAwareDelayMs: number;
  typeAwareBudgetMs: number;
  fixAll: boolean;
  codeAction: { fixViolation: { enable: boolean }; disableRuleComment: { enable: boolean } };
}

export interface WorkspaceServerSettings extends ServerSettings {
  /** The folder's URI as a string (`file:///...`). */
  workspace: string;
}

export interface InitializationOptions {
  settings: WorkspaceServerSettings[];
  globalSettings: ServerSettings;
  /** Workspace trust, for the server's type-aware lane (see client/src/trust.ts, mpguard.trust). */
  workspaceTrusted: boolean;
}

/** Settings that decide how the server process is started. */
export interface LaunchSettings {
  interpreter: string[];
  path: string[];
  importStrategy: ImportStrategy;
}

/** The defaults contributed in package.json (generated from the Python declarations). */
export const DEFAULTS = SETTING_DEFAULTS;

/** Keys that override pyproject.toml on the server: sent only when the user set them. */
export const PROJECT_OVERRIDE_KEYS: readonly string[] = PROJECT_KEYS;

/** Settings a workspace must not be able to set in Restricted Mode (they run programs). */
export const RESTRICTED_KEYS: readonly string[] = RESTRICTED_SETTING_KEYS;
/** Settings that change the server's command line: a change always restarts the server. */
export const LAUNCH_KEYS: readonly string[] = LAUNCH_SETTING_KEYS;
/** Settings the server reads itself; a change restarts only a server that cannot take it live. */
export const SERVER_KEYS: readonly string[] = SERVER_READ_KEYS;
/** Settings the client alone reads, at each use: a change needs nothing else. */
export const CLIENT_KEYS: readonly string[] = CLIENT_SETTING_KEYS;

export interface ReadOptions {
  /** Workspace trust. When false, workspace and folder values of RESTRICTED_KEYS are ignored. */
  trusted: boolean;
}

/**
 * The effective value of one setting: folder > workspace > user > default, except that in an
 * untrusted workspace a restricted key only takes the user (global) value.
 */
export function effectiveValue<T>(inspected: Inspected<T> | undefined, key: string, opts: ReadOptions): T | undefined {
  if (!inspected) return undefined;
  const restricted = !opts.trusted && RESTRICTED_KEYS.includes(key);
  const order: (T | undefined)[] = restricted
    ? [inspected.globalValue, inspected.defaultValue]
    : [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue, inspected.defaultValue];
  return order.find(v => v !== undefined);
}

/** Like effectiveValue, but undefined when only the default applies (the user set nothing). */
export function explicitValue<T>(inspected: Inspected<T> | undefined, key: string, opts: ReadOptions): T | undefined {
  if (!inspected) return undefined;
  return effectiveValue({ ...inspected, defaultValue: undefined }, key, opts);
}

/** True when a restricted key has a workspace/folder value that is being ignored. */
export function ignoredWorkspaceValues(src: ConfigSource, opts: ReadOptions): string[] {
  if (opts.trusted) return [];
  return RESTRICTED_KEYS.filter(key => {
    const i = src.inspect<unknown>(key);
    return !!i && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
  });
}

function stringArray(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.filter((v): v is string => typeof v === 'string').map(v => v.trim()).filter(v => v.length > 0);
}

function millis(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.min(Math.round(value), 60_000) : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

const SEVERITIES: readonly SeverityLevel[] = ['error', 'warning', 'info', 'hint'];

function severityMap(value: unknown): Record<string, SeverityLevel> {
  const out: Record<string, SeverityLevel> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
    if (typeof level !== 'string') continue;
    const norm = level.trim().toLowerCase() === 'information' ? 'info' : level.trim().toLowerCase();
    if ((SEVERITIES as readonly string[]).includes(norm) && code.trim()) out[code.trim()] = norm as SeverityLevel;
  }
  return out;
}

export function readServerSettings(src: ConfigSource, opts: ReadOptions): ServerSettings {
  const get = (key: string): unknown => effectiveValue(src.inspect<unknown>(key), key, opts);
  const set = (key: string): unknown => explicitValue(src.inspect<unknown>(key), key, opts);
  const enable = get('enable');
  const select = set('select');
  const extendSelect = set('extendSelect');
  const ignore = set('ignore');
  const severity = set('severity');
  const startMethod = set('startMethod');
  const targetVersion = set('targetVersion');
  const platforms = set('platforms');
  const actions = readCodeActionSettings(src, opts);
  const selected = select === undefined ? [] : stringArray(select, []);
  return {
    enable: bool(enable, DEFAULTS.enable),
    run: oneOf(get('run'), ['onType', 'onSave'] as const, DEFAULTS.run as RunMode),
    select: selected.length ? selected : null,
    extendSelect: extendSelect === undefined ? null : stringArray(extendSelect, []),
    ignore: ignore === undefined ? null : stringArray(ignore, []),
    severity: severity === undefined ? null : severityMap(severity),
    startMethod: startMethod === undefined ? null : oneOf(startMethod, ['auto', 'spawn', 'fork', 'forkserver'] as const, DEFAULTS.startMethod as StartMethod),
    // Checked by the server (it knows the versions it supports and says what is wrong).
    targetVersion: typeof targetVersion === 'string' ? targetVersion : null,
    platforms: platforms === undefined ? null : stringArray(platforms, []) as Platform[],
    showNotifications: oneOf(get('showNotifications'), ['off', 'onError', 'onWarning', 'always'] as const, DEFAULTS.showNotifications as Notifications),
    logLevel: oneOf(get('logLevel'), ['error', 'warning', 'info', 'debug'] as const, DEFAULTS.logLevel as LogLevel),
    debounceMs: millis(get('debounceMs'), DEFAULTS.debounceMs),
    showSyntaxErrors: bool(get('showSyntaxErrors'), DEFAULTS.showSyntaxErrors),
    typeAware: bool(get('typeAware'), DEFAULTS.typeAware),
    typeAwareDelayMs: millis(get('typeAwareDelayMs'), DEFAULTS.typeAwareDelayMs),
    typeAwareBudgetMs: millis(get('typeAwareBudgetMs'), DEFAULTS.typeAwareBudgetMs),
    fixAll: actions.fixAll,
    codeAction: {
      fixViolation: { enable: actions.fixViolation },
      disableRuleComment: { enable: actions.disableRuleComment },
    },
  };
}

export interface Variables {
  workspaceFolder?: string;
  userHome?: string;
  env: Record<string, string | undefined>;
}

/** `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~/` in a path-like value. */
export function substituteVariables(value: string, vars: Variables): string {
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
    if (envName) return vars.env[envName] ?? '';
    if (name === 'workspaceFolder') return vars.workspaceFolder ?? whole;
    if (name === 'userHome') return vars.userHome ?? whole;
    return whole;
  });
  if (vars.userHome && (out === '~' || out.startsWith('~/'))) out = vars.userHome + out.slice(1);
  return out;
}

export function readLaunchSettings(src: ConfigSource, opts: ReadOptions, vars: Variables): LaunchSettings {
  const get = (key: string): unknown => effectiveValue(src.inspect<unknown>(key), key, opts);
  const sub = (xs: string[]): string[] => xs.map(x => substituteVariables(x, vars));
  return {
    interpreter: sub(stringArray(get('interpreter'), [])),
    path: sub(stringArray(get('path'), [])),
    importStrategy: oneOf(get('importStrategy'), ['useBundled', 'fromEnvironment'] as const, DEFAULTS.importStrategy),
  };
}

/** Ruff's `fixAll` and `codeAction.*` toggles: the server leaves out what they turn off; the
 * client reads `fixAll` to explain an empty **mpguard: Fix All**. */
export interface CodeActionSettings {
  fixAll: boolean;
  fixViolation: boolean;
  disableRuleComment: boolean;
}

function toggle(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value; // `"mpguard.codeAction.fixViolation": false` by hand
  const enable = value && typeof value === 'object' ? (value as { enable?: unknown }).enable : undefined;
  return bool(enable, fallback);
}

export function readCodeActionSettings(src: ConfigSource, opts: ReadOptions): CodeActionSettings {
  const get = (key: string): unknown => effectiveValue(src.inspect<unknown>(key), key, opts);
  return {
    fixAll: bool(get('fixAll'), DEFAULTS.fixAll),
    fixViolation: toggle(get('codeAction.fixViolation'), DEFAULTS['codeAction.fixViolation'].enable),
    disableRuleComment: toggle(get('codeAction.disableRuleComment'), DEFAULTS['codeAction.disableRuleComment'].enable),
  };
}

export interface FolderSource {
  /** The folder's URI as a string. */
  uri: string;
  source: ConfigSource;
}

/** `{settings: [per folder], globalSettings}`, the shape the Microsoft tool extensions use. */
export function buildInitializationOptions(folders: FolderSource[], global: ConfigSource, opts: ReadOptions): InitializationOptions {
  return {
    settings: folders.map(f => ({ workspace: f.uri, ...readServerSettings(f.source, opts) })),
    globalSettings: readServerSettings(global, opts),
    workspaceTrusted: opts.trusted,
  };
}

export type ChangeAction = 'none' | 'restart' | 'notify';

/**
 * What to do after a settings change. `affects(key)` answers `event.affectsConfiguration('mpguard.'+key)`
 * (for any folder). Launch keys restart the server. Keys the server reads: if the server listens to
 * `workspace/didChangeConfiguration` (vscode-languageclient forwards the change itself) nothing more
 * is needed ('notify'); otherwise the server only sees them at start, so restart.
 */
export function actionForChange(affects: (key: string) => boolean, serverListensForConfig: boolean): ChangeAction {
  if (LAUNCH_KEYS.some(k => affects(k))) return 'restart';
  if (SERVER_KEYS.some(k => affects(k))) return serverListensForConfig ? 'notify' : 'restart';
  return 'none';
}

/**
 * The answer to the server's `workspace/configuration` pull for section `mpguard` and one scope:
 * VS Code's raw answer (which includes package.json defaults) with the server keys normalised as
 * in `initializationOptions` and, in Restricted Mode, the restricted keys replaced by their
 * user-level values (the server may run `interpreter` for type inference).
 */
export function configurationAnswer(raw: unknown, src: ConfigSource, opts: ReadOptions, vars: Variables): unknown {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) return raw;
  const out: Record<string, unknown> = { ...((raw as Record<string, unknown> | null) ?? {}), ...readServerSettings(src, opts) };
  if (!opts.trusted) {
    const user = readLaunchSettings(src, { trusted: false }, vars) as unknown as Record<string, unknown>;
    for (const key of RESTRICTED_KEYS) out[key] = user[key];
  }
  return out;
}
