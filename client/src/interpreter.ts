// Which program runs the mpguard server. Pure: no `vscode` import.
//
// Order (first hit wins):
//   1. `mpguard.path`         a full server command, run as is (no interpreter needed)
//   2. `mpguard.interpreter`  a Python executable (+ args)
//   3. the Python extension's active environment (ms-python.python), when it is installed
//   4. a virtual environment in a workspace folder: `.venv`, then `venv`
//      (`Scripts\python.exe` on Windows, `bin/python` elsewhere)
//   5. the platform's usual Pythons:
//      Windows  `python` on PATH (PATHEXT: python.exe; no `python3` there) unless it is a
//               Microsoft Store alias (WindowsApps: it may only open the Store), then the `py -3`
//               launcher, then the Store aliases `python` and `python3`;
//      macOS    `python3`, `python` on PATH, then Homebrew (/opt/homebrew, /usr/local) and the
//               python.org framework, and /usr/bin/python3 last (Xcode's, Python 3.9);
//      others   `python3`, then `python`, on PATH
//   6. nothing: an error that says how to fix it
// In Restricted Mode (untrusted workspace) the caller passes only user-level settings, and any
// interpreter found through 3 to 5 that lives inside a workspace folder is skipped: a repository
// can ship `.venv/bin/python`, and running it would execute the repository's code.

import type { FileSystem } from './which';
import { isBatchFile, pathFor, realFileSystem } from './which';

export type ServerSource = 'path' | 'interpreter' | 'pythonExtension' | 'workspaceVenv' | 'PATH' | 'pyLauncher' | 'wellKnown';

export interface Resolved {
  ok: true;
  /** `command`: `argv` is a complete server command. `python`: `argv` is an interpreter (+args). */
  kind: 'command' | 'python';
  argv: string[];
  source: ServerSource;
  /** Notes for the log (e.g. candidates skipped in Restricted Mode). */
  notes: string[];
}

export interface Unresolved {
  ok: false;
  message: string;
  /** What the user can do about it, for the language status item and the log. */
  fix: string;
  notes: string[];
}

export type Resolution = Resolved | Unresolved;

export interface ResolveInputs {
  pathSetting: string[];
  interpreterSetting: string[];
  /** The Python extension's active interpreter, or undefined (extension absent, no environment). */
  pythonExtensionInterpreter?: () => Promise<string | undefined>;
  /** Absolute path of an executable on PATH, or undefined. */
  which: (name: string) => Promise<string | undefined> | string | undefined;
  trusted: boolean;
  /** File-system paths of the workspace folders. */
  workspaceFolders: string[];
  /** Defaults to this machine's; tests pass 'win32' / 'darwin' with a fake file system. */
  platform?: NodeJS.Platform;
  fileSystem?: FileSystem;
}

export const PATH_CANDIDATES: readonly string[] = ['python3', 'python'];

/** Where the python.org installer and Homebrew put python3 on macOS (not on a Dock-started PATH). */
export const MACOS_PYTHONS: readonly string[] = [
  '/opt/homebrew/bin/python3', // Homebrew, Apple silicon
  '/usr/local/bin/python3', // Homebrew on Intel, and the python.org installer's links
  '/Library/Frameworks/Python.framework/Versions/Current/bin/python3', // python.org framework
];
/** Xcode's Command Line Tools Python (3.9; a stub that offers to install them when absent). */
export const MACOS_SYSTEM_PYTHON = '/usr/bin/python3';

/** A virtual environment's interpreter inside `folder`, in the layout of `platform`. */
export function venvPythons(folder: string, platform: NodeJS.Platform): string[] {
  const p = pathFor(platform);
  const exe = platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python'];
  return ['.venv', 'venv'].map(dir => p.join(folder, dir, ...exe));
}

/** A Microsoft Store alias (`%LOCALAPPDATA%\Microsoft\WindowsApps\python.exe`). */
export function isStoreAlias(file: string): boolean {
  return /[\\/]Microsoft[\\/]WindowsApps[\\/]/i.test(file);
}

/** A setting value someone quoted as on a command line: `"C:\Program Files\...\python.exe"`. */
export function unquote(arg: string): string {
  const m = /^\s*(["'])(.*)\1\s*$/.exec(arg);
  return m ? m[2] : arg;
}

export const NO_PYTHON_FIX =
  'Install Python 3.10 or newer and put it on PATH, or set "mpguard.interpreter" in your user settings ' +
  'to a Python 3.10+ executable (e.g. ["/usr/bin/python3"]), or install the Python extension (ms-python.python) and select an interpreter.';

/** Is `file` inside (or equal to) one of `folders`? Plain path comparison, no symlink resolution;
 * case-insensitive on Windows (as its file systems are). */
export function isInside(file: string, folders: string[], platform: NodeJS.Platform = process.platform): boolean {
  const p = pathFor(platform);
  const fold = (s: string): string => (platform === 'win32' ? s.toLowerCase() : s);
  const f = fold(p.resolve(file));
  return folders.some(dir => {
    const d = fold(p.resolve(dir));
    const rel = p.relative(d, f);
    return rel === '' || (!!rel && !rel.startsWith('..') && !p.isAbsolute(rel));
  });
}

export async function resolveServer(inputs: ResolveInputs): Promise<Resolution> {
  const notes: string[] = [];
  if (inputs.pathSetting.length > 0) {
    return { ok: true, kind: 'command', argv: [...inputs.pathSetting], source: 'path', notes };
  }
  if (inputs.interpreterSetting.length > 0) {
    const [exe, ...args] = inputs.interpreterSetting;
    return { ok: true, kind: 'python', argv: [unquote(exe), ...args], source: 'interpreter', notes };
  }
  const platform = inputs.platform ?? process.platform;
  const fsys = inputs.fileSystem ?? realFileSystem;
  const acceptable = (candidate: string, from: string): boolean => {
    if (!inputs.trusted && isInside(candidate, inputs.workspaceFolders, platform)) {
      notes.push(`Restricted Mode: not running ${candidate} (${from}), it is inside the workspace.`);
      return false;
    }
    if (platform === 'win32' && isBatchFile(candidate)) {
      notes.push(`Not running ${candidate} (${from}): a batch file cannot be started without a shell.`);
      return false;
    }
    return true;
  };
  const found = (source: ServerSource, argv: string[]): Resolved => ({ ok: true, kind: 'python', argv, source, notes });
  if (inputs.pythonExtensionInterpreter) {
    let fromExt: string | undefined;
    try {
      fromExt = await inputs.pythonExtensionInterpreter();
    } catch (e) {
      notes.push(`Python extension did not return an interpreter: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (fromExt && acceptable(fromExt, 'Python extension')) return found('pythonExtension', [fromExt]);
  }
  for (const folder of inputs.workspaceFolders) {
    for (const venv of venvPythons(folder, platform)) {
      if (fsys.isExecutable(venv, platform) && acceptable(venv, 'workspace virtual environment')) {
        return found('workspaceVenv', [venv]);
      }
    }
  }
  const firstOnPath = async (name: string, keep: (file: string) => boolean): Promise<string | undefined> => {
    const hit = await inputs.which(name);
    return hit !== undefined && keep(hit) && acceptable(hit, 'PATH') ? hit : undefined;
  };
  if (platform === 'win32') {
    const python = await firstOnPath('python', f => !isStoreAlias(f));
    if (python) return found('PATH', [python]);
    const launcher = await firstOnPath('py', () => true);
    if (launcher) return found('pyLauncher', [launcher, '-3']);
    for (const name of ['python', 'python3']) {
      const alias = await firstOnPath(name, () => true);
      if (alias) return found('PATH', [alias]);
    }
  } else if (platform === 'darwin') {
    for (const name of PATH_CANDIDATES) {
      const hit = await firstOnPath(name, f => f !== MACOS_SYSTEM_PYTHON);
      if (hit) return found('PATH', [hit]);
    }
    for (const known of [...MACOS_PYTHONS, MACOS_SYSTEM_PYTHON]) {
      if (fsys.isExecutable(known, platform)) return found('wellKnown', [known]);
    }
  } else {
    for (const name of PATH_CANDIDATES) {
      const hit = await firstOnPath(name, () => true);
      if (hit) return found('PATH', [hit]);
    }
  }
  return {
    ok: false,
    message: 'No Python interpreter found to run the mpguard server.',
    fix: NO_PYTHON_FIX,
    notes,
  };
}

/** A stable key for "would this start the same server?" (used to skip needless restarts). */
export function resolutionKey(r: Resolution): string {
  return r.ok ? JSON.stringify([r.kind, r.argv]) : 'unresolved';
}
