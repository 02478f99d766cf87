// Which program runs the mpguard server. Pure: no `vscode` import.
//
// Order (first hit wins):
//   1. `mpguard.path`         a full server command, run as is (no interpreter needed)
//   2. `mpguard.interpreter`  a Python executable (+ args)
//   3. the Python extension's active environment (ms-python.python), when it is installed
//   4. `python3`, then `python`, on PATH
//   5. nothing: an error that says how to fix it
// In Restricted Mode (untrusted workspace) the caller passes only user-level settings, and any
// interpreter found through 3 or 4 that lives inside a workspace folder is skipped: a repository
// can ship `.venv/bin/python`, and running it would execute the repository's code.

import * as path from 'node:path';

export type ServerSource = 'path' | 'interpreter' | 'pythonExtension' | 'PATH';

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
}

export const PATH_CANDIDATES: readonly string[] = ['python3', 'python'];

export const NO_PYTHON_FIX =
  'Install Python 3.10 or newer and put it on PATH, or set "mpguard.interpreter" in your user settings ' +
  'to a Python 3.10+ executable (e.g. ["/usr/bin/python3"]), or install the Python extension (ms-python.python) and select an interpreter.';

/** Is `file` inside (or equal to) one of `folders`? Plain path comparison, no symlink resolution. */
export function isInside(file: string, folders: string[]): boolean {
  const f = path.resolve(file);
  return folders.some(dir => {
    const d = path.resolve(dir);
    const rel = path.relative(d, f);
    return rel === '' || (!!rel && !rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

export async function resolveServer(inputs: ResolveInputs): Promise<Resolution> {
  const notes: string[] = [];
  if (inputs.pathSetting.length > 0) {
    return { ok: true, kind: 'command', argv: [...inputs.pathSetting], source: 'path', notes };
  }
  if (inputs.interpreterSetting.length > 0) {
    return { ok: true, kind: 'python', argv: [...inputs.interpreterSetting], source: 'interpreter', notes };
  }
  const acceptable = (candidate: string, from: string): boolean => {
    if (!inputs.trusted && isInside(candidate, inputs.workspaceFolders)) {
      notes.push(`Restricted Mode: not running ${candidate} (${from}), it is inside the workspace.`);
      return false;
    }
    return true;
  };
  if (inputs.pythonExtensionInterpreter) {
    let fromExt: string | undefined;
    try {
      fromExt = await inputs.pythonExtensionInterpreter();
    } catch (e) {
      notes.push(`Python extension did not return an interpreter: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (fromExt && acceptable(fromExt, 'Python extension')) {
      return { ok: true, kind: 'python', argv: [fromExt], source: 'pythonExtension', notes };
    }
  }
  for (const name of PATH_CANDIDATES) {
    const found = await inputs.which(name);
    if (found && acceptable(found, 'PATH')) {
      return { ok: true, kind: 'python', argv: [found], source: 'PATH', notes };
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
