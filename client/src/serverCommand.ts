// The server's command line and environment. Pure: no `vscode` import.
//
//   python kind, useBundled (default):   <python> [args] -m mpguard server --stdio
//                                         PYTHONPATH=<extension>/bundled/libs[:$PYTHONPATH]
//   python kind, fromEnvironment:        the same without PYTHONPATH, if `import mpguard` works in
//                                         that interpreter; otherwise as useBundled (logged)
//   command kind (mpguard.path):          the command as given
// The working directory is the extension's folder, never the workspace: with `-m`/`-c`, Python puts
// the current directory first on sys.path, so a workspace could shadow `mpguard` or `libcst`.
import * as path from 'node:path';
import type { Resolved } from './interpreter';
import type { ImportStrategy } from './settings';
import { quoteArg } from './which';

export const SERVER_ARGS: readonly string[] = ['-m', 'mpguard', 'server', '--stdio'];

export interface LaunchInputs {
  resolved: Resolved;
  importStrategy: ImportStrategy;
  extensionPath: string;
  baseEnv: Record<string, string | undefined>;
  /** Result of the `import mpguard` probe; only consulted for fromEnvironment. */
  mpguardImportable?: boolean;
  platform?: NodeJS.Platform;
}

export interface LaunchPlan {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Which server code runs: the bundle, the interpreter's environment, or an external command. */
  serverFrom: 'bundled' | 'environment' | 'command';
  /** Human-readable notes for the log. */
  notes: string[];
}

export function bundledLibsDir(extensionPath: string): string {
  return path.join(extensionPath, 'bundled', 'libs');
}

export function buildLaunch(inp: LaunchInputs): LaunchPlan {
  const delimiter = (inp.platform ?? process.platform) === 'win32' ? ';' : ':';
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(inp.baseEnv)) if (v !== undefined) env[k] = v;
  env.PYTHONUTF8 = '1';
  env.PYTHONSAFEPATH = '1'; // 3.11+: don't put the cwd / script dir on sys.path
  const notes: string[] = [];
  const cwd = inp.extensionPath;
  const { resolved } = inp;

  if (resolved.kind === 'command') {
    const [command, ...args] = resolved.argv;
    return { command, args, cwd, env, serverFrom: 'command', notes };
  }

  const [command, ...pre] = resolved.argv;
  let useBundled = inp.importStrategy === 'useBundled';
  if (!useBundled && !inp.mpguardImportable) {
    notes.push(`importStrategy is fromEnvironment but ${command} cannot import mpguard: using the bundled server.`);
    useBundled = true;
  }
  env.MPGUARD_IMPORT_STRATEGY = useBundled ? 'useBundled' : 'fromEnvironment';
  if (useBundled) {
    const libs = bundledLibsDir(inp.extensionPath);
    env.PYTHONPATH = env.PYTHONPATH ? `${libs}${delimiter}${env.PYTHONPATH}` : libs;
  }
  return {
    command,
    args: [...pre, ...SERVER_ARGS],
    cwd,
    env,
    serverFrom: useBundled ? 'bundled' : 'environment',
    notes,
  };
}

/** The environment for probing an interpreter: the user's, minus our bundle. */
export function probeEnv(baseEnv: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  env.PYTHONSAFEPATH = '1';
  return env;
}

/** One line for the log; environment values other than PYTHONPATH are never printed. */
export function describeLaunch(plan: LaunchPlan): string {
  const quote = (s: string): string => quoteArg(s); // cmd-style on Windows, POSIX quotes elsewhere
  const pp = plan.env.MPGUARD_IMPORT_STRATEGY === 'useBundled' ? `PYTHONPATH=${quote(plan.env.PYTHONPATH)} ` : '';
  return `${pp}${[plan.command, ...plan.args].map(quote).join(' ')} (server from ${plan.serverFrom}, cwd ${quote(plan.cwd)})`;
}
