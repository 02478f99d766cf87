// Find an executable on PATH (what a shell would run). Pure Node: no `vscode` import.
//
// Windows rules (what cmd.exe and CreateProcess do): the variable may be spelled `Path`; entries may
// be quoted (`"C:\Program Files\Python312"`); a name without an extension is tried with each
// extension of PATHEXT in its order (`.COM;.EXE;.BAT;.CMD` by default), never bare; a name that
// already ends with one of them is tried as is. The platform, environment and file system are
// parameters so that Windows and macOS behaviour is tested on any OS.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileSystem {
  /** Is `file` a regular file (following symlinks)? */
  isFile(file: string): boolean;
  /** May the current user execute `file`? (Always true on Windows, where PATHEXT decides.) */
  isExecutable(file: string, platform: NodeJS.Platform): boolean;
}

export const realFileSystem: FileSystem = {
  isFile(file: string): boolean {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  isExecutable(file: string, platform: NodeJS.Platform): boolean {
    if (!realFileSystem.isFile(file)) return false;
    if (platform === 'win32') return true;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

export type Env = Record<string, string | undefined>;

/** The path module of `platform`: backslashes and drive letters for win32, on any host. */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** An environment variable; case-insensitive names on Windows (`Path`, `PATHEXT`, `PathExt`). */
export function envVar(env: Env, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  if (env[name] !== undefined) return env[name];
  const key = Object.keys(env).find(k => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** PATH's directories, without empty entries and the quotes Windows allows around one. */
export function pathDirs(env: Env, platform: NodeJS.Platform): string[] {
  const raw = envVar(env, 'PATH', platform) ?? '';
  return raw
    .split(platform === 'win32' ? ';' : ':')
    .map(d => (platform === 'win32' ? d.trim().replace(/^"(.*)"$/, '$1') : d))
    .filter(Boolean);
}

/** The extensions Windows tries for a bare name, in order, upper-cased. */
export function pathExts(env: Env): string[] {
  return (env.PATHEXT ?? envVar(env, 'PATHEXT', 'win32') ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map(e => e.trim().toUpperCase())
    .filter(e => e.startsWith('.'));
}

/** Every executable `name` resolves to on PATH, in the order a shell would try them. */
export function whichAll(name: string, env: Env = process.env, platform: NodeJS.Platform = process.platform,
  fsys: FileSystem = realFileSystem): string[] {
  const p = pathFor(platform);
  const hasDir = name.includes('/') || (platform === 'win32' && name.includes('\\'));
  const names = platform === 'win32' ? windowsNames(name, env) : [name];
  if (hasDir) {
    return names.filter(n => fsys.isExecutable(n, platform)).map(n => p.resolve(n)).slice(0, 1);
  }
  const out: string[] = [];
  for (const dir of pathDirs(env, platform)) {
    for (const n of names) {
      const candidate = p.join(dir, n);
      if (fsys.isExecutable(candidate, platform) && !out.includes(candidate)) out.push(candidate);
    }
  }
  return out;
}

/** The first executable `name` resolves to on PATH, or undefined. */
export function which(name: string, env: Env = process.env, platform: NodeJS.Platform = process.platform,
  fsys: FileSystem = realFileSystem): string | undefined {
  return whichAll(name, env, platform, fsys)[0];
}

function windowsNames(name: string, env: Env): string[] {
  const exts = pathExts(env);
  const ext = pathFor('win32').extname(name).toUpperCase();
  if (ext && exts.includes(ext)) return [name];
  return exts.map(e => name + e.toLowerCase());
}

/** Batch files cannot be started without a shell (Node refuses them since CVE-2024-27980). */
export function isBatchFile(file: string): boolean {
  return /\.(bat|cmd)$/i.test(file);
}

/** `arg` as a shell would need it to be typed (for logs a user copies): cmd/PowerShell-style
 * double quotes on Windows (backslashes kept), POSIX single quotes elsewhere. */
export function quoteArg(arg: string, platform: NodeJS.Platform = process.platform): string {
  const plain = platform === 'win32' ? /^[\w@%+=:,./\\-]+$/ : /^[\w@%+=:,./-]+$/;
  if (plain.test(arg)) return arg;
  if (platform === 'win32') {
    // CommandLineToArgvW: backslashes before a quote (or the closing quote) are doubled.
    return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
