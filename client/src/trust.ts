// Restricted Mode: never run a program that lives inside the workspace. Pure: no `vscode` import.
//
// In an untrusted workspace the extension only reads user-level launch settings, but a user
// setting can still lead into the repository: `${workspaceFolder}/.venv/bin/python`, a relative
// path, a symlink (or a chain of them, or a symlinked folder) that ends inside a workspace folder,
// an argument naming a script there, a PATH entry pointing there. Every program the client would
// start (the probe and the server) goes through `restrictInputs` first: each candidate is checked
// against the workspace folders lexically, through every symlink hop and by real path, and
// refused candidates are dropped (with a note for the log) so the next source in the order is
// tried. The server is also told the trust state (`initializationOptions.workspaceTrusted`) so
// its type-aware lane does not start a workspace interpreter either.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolveInputs } from './interpreter';

export interface TrustFs {
  /** The real path (all links resolved), or undefined when it does not exist. */
  realpath(p: string): string | undefined;
  /** The target of a symbolic link as stored, or undefined when `p` is not a link. */
  readlink(p: string): string | undefined;
}

export const nodeTrustFs: TrustFs = {
  realpath(p) {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return undefined;
    }
  },
  readlink(p) {
    try {
      return fs.lstatSync(p).isSymbolicLink() ? fs.readlinkSync(p) : undefined;
    } catch {
      return undefined;
    }
  },
};

export interface TrustContext {
  trusted: boolean;
  /** File-system paths of the workspace folders. */
  workspaceFolders: string[];
  fs: TrustFs;
  platform?: NodeJS.Platform;
}

function pathApi(platform: NodeJS.Platform): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Does `value` name a file (as opposed to a bare program name or an option such as `-X`)? */
export function looksLikePath(value: string, platform: NodeJS.Platform = process.platform): boolean {
  if (value.startsWith('-')) return false;
  return value.includes('/') || (platform === 'win32' && (value.includes('\\') || /^[A-Za-z]:/.test(value))) || value.startsWith('.') || value.startsWith('~');
}

/** Every place `file` leads through: itself, each symlink hop, the real folder holding each hop,
 * and the final real path (Python looks for a venv's pyvenv.cfg next to the path it was started as). */
export function linkChain(file: string, ctx: TrustContext): string[] {
  const p = pathApi(ctx.platform ?? process.platform);
  const out: string[] = [];
  let current = p.resolve(file);
  for (let hop = 0; hop < 40; hop++) {
    out.push(current);
    const realDir = ctx.fs.realpath(p.dirname(current));
    if (realDir) out.push(p.join(realDir, p.basename(current)));
    const target = ctx.fs.readlink(current);
    if (target === undefined) break;
    current = p.resolve(p.dirname(current), target);
  }
  const real = ctx.fs.realpath(current);
  if (real) out.push(real);
  return [...new Set(out)];
}

function insideFolder(file: string, folder: string, platform: NodeJS.Platform): boolean {
  const p = pathApi(platform);
  const norm = (s: string) => (platform === 'win32' || platform === 'darwin' ? s.toLowerCase() : s);
  const rel = p.relative(norm(p.resolve(folder)), norm(p.resolve(file)));
  return rel === '' || (!!rel && !rel.startsWith('..') && !p.isAbsolute(rel));
}

/** Why `program` must not run in this workspace (a sentence for the log), or undefined. */
export function refusal(program: string, ctx: TrustContext): string | undefined {
  if (ctx.trusted) return undefined;
  const platform = ctx.platform ?? process.platform;
  const p = pathApi(platform);
  if (!p.isAbsolute(program)) return `${program} is a relative path`;
  const folders = ctx.workspaceFolders.flatMap(f => [f, ctx.fs.realpath(f) ?? f]);
  for (const place of linkChain(program, ctx)) {
    const folder = folders.find(f => insideFolder(place, f, platform));
    if (folder !== undefined) return `${program} is inside the workspace folder ${folder}`;
  }
  return undefined;
}

/** Why this command line must not run: its program or any path-like argument is refused. */
export function argvRefusal(argv: string[], ctx: TrustContext, resolveProgram: (name: string) => string | undefined): string | undefined {
  if (ctx.trusted || argv.length === 0) return undefined;
  const platform = ctx.platform ?? process.platform;
  const [program, ...args] = argv;
  const resolved = looksLikePath(program, platform) ? program : resolveProgram(program);
  if (resolved !== undefined) {
    const why = refusal(resolved, ctx);
    if (why) return why;
  }
  for (const arg of args) {
    if (!looksLikePath(arg, platform)) continue;
    const why = refusal(arg, ctx);
    if (why) return `its argument ${why}`;
  }
  return undefined;
}

const RESTRICTED = 'Restricted Mode: not running';

/**
 * `inputs` for `resolveServer` with everything Restricted Mode forbids removed: a refused
 * `mpguard.path` or `mpguard.interpreter` setting is dropped (the next source is tried), and
 * the Python extension's interpreter and PATH lookups that lead into the workspace count as
 * "not found". `notes` receives one line per refusal. Trusted workspaces pass through unchanged.
 */
export function restrictInputs(inputs: ResolveInputs, ctx: TrustContext, notes: string[],
  resolveProgram: (name: string) => string | undefined): ResolveInputs {
  if (ctx.trusted) return inputs;
  const check = (argv: string[], from: string): boolean => {
    const why = argvRefusal(argv, ctx, resolveProgram);
    if (why) notes.push(`${RESTRICTED} ${argv.join(' ')} (${from}): ${why}; trust the workspace to allow it.`);
    return !why;
  };
  const pythonExtension = inputs.pythonExtensionInterpreter;
  return {
    ...inputs,
    trusted: false,
    pathSetting: inputs.pathSetting.length > 0 && check(inputs.pathSetting, 'mpguard.path') ? inputs.pathSetting : [],
    interpreterSetting: inputs.interpreterSetting.length > 0 && check(inputs.interpreterSetting, 'mpguard.interpreter')
      ? inputs.interpreterSetting : [],
    pythonExtensionInterpreter: pythonExtension && (async () => {
      const found = await pythonExtension();
      return found !== undefined && check([found], 'Python extension') ? found : undefined;
    }),
    which: async (name: string) => {
      const found = await inputs.which(name);
      return found !== undefined && check([found], 'PATH') ? found : undefined;
    },
  };
}
