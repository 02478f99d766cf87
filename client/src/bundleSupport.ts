// Can the bundled server run on this interpreter? Pure: no `vscode` import.
//
// libcst has no pure-Python parser: the bundle carries its native module for each CPython version
// it was built for (bundled/bundle.json, written by scripts/bundle_python.py), and nothing for any
// other version or implementation. Started anyway, the server would die on `import libcst`; so the
// client says which Pythons the bundle serves and offers `importStrategy: fromEnvironment` (mpguard
// installed in the interpreter's own environment, with a libcst pip chose for it).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BundleInfo {
  /** VS Code target the bundle was built for, e.g. `linux-x64`. */
  platform: string;
  /** CPython versions with a libcst native module, e.g. `["3.10", ..., "3.14"]`. */
  pythons: string[];
}

export interface Interpreter {
  /** [major, minor, micro] */
  version?: number[];
  /** `sys.implementation.name`: `cpython`, `pypy`, ... */
  implementation?: string;
  executable?: string;
}

export type BundleVerdict =
  | { ok: true }
  | {
    ok: false;
    message: string;
    fix: string;
    /** The interpreter can `import mpguard` itself: switching to fromEnvironment just works. */
    environmentHasMpguard: boolean;
  };

export function bundleInfoPath(extensionPath: string): string {
  return path.join(extensionPath, 'bundled', 'bundle.json');
}

/** bundled/bundle.json, or undefined when absent or unreadable (a development checkout). */
export function readBundleInfo(extensionPath: string): BundleInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(bundleInfoPath(extensionPath), 'utf8'));
  } catch {
    return undefined;
  }
  const info = raw as Partial<BundleInfo> | null;
  if (!info || typeof info.platform !== 'string' || !Array.isArray(info.pythons)
    || !info.pythons.every(p => typeof p === 'string')) return undefined;
  return { platform: info.platform, pythons: info.pythons };
}

/** "3.10–3.14" for consecutive versions, else "3.10, 3.12". */
export function describePythons(pythons: string[]): string {
  const minors = pythons.map(p => p.split('.').map(Number));
  const consecutive = minors.length > 1 && minors.every((v, i) => i === 0
    || (v[0] === minors[i - 1][0] && v[1] === minors[i - 1][1] + 1));
  return consecutive ? `${pythons[0]}–${pythons[pythons.length - 1]}` : pythons.join(', ');
}

/**
 * Does `info` serve `interp`? An unknown bundle (no bundle.json) is given the benefit of the doubt:
 * the server's own import error then tells the story.
 */
export function checkBundle(info: BundleInfo | undefined, interp: Interpreter, environmentHasMpguard = false): BundleVerdict {
  if (!info) return { ok: true };
  const version = interp.version && interp.version.length >= 2 ? `${interp.version[0]}.${interp.version[1]}` : undefined;
  const implementation = interp.implementation ?? 'cpython';
  if (implementation === 'cpython' && version && info.pythons.includes(version)) return { ok: true };
  const supported = `CPython ${describePythons(info.pythons)}`;
  const what = implementation === 'cpython' ? `Python ${version ?? 'of unknown version'}` : `${implementation} ${version ?? ''}`.trim();
  const message = `The bundled mpguard server cannot run on ${what}: it has libcst for ${supported} only.`;
  const fix = environmentHasMpguard
    ? `Set "mpguard.importStrategy" to "fromEnvironment" to use the mpguard installed with ${interp.executable ?? 'that interpreter'}, `
      + `or set "mpguard.interpreter" to ${supported}.`
    : `Run \`${interp.executable ?? 'python'} -m pip install mpguard\` and set "mpguard.importStrategy" to "fromEnvironment", `
      + `or set "mpguard.interpreter" to ${supported}.`;
  return { ok: false, message, fix, environmentHasMpguard };
}

export interface LaunchCheckInputs {
  info: BundleInfo | undefined;
  interpreter: Interpreter & { mpguardImportable?: boolean };
  importStrategy: 'useBundled' | 'fromEnvironment';
  /** Asked only when the bundle cannot serve the interpreter: can it `import mpguard` itself? */
  environmentHasMpguard: () => Promise<boolean>;
}

/** Will the launch run the bundle on an interpreter it cannot serve? (fromEnvironment with an
 *  importable mpguard never touches the bundle.) */
export async function checkLaunch(inp: LaunchCheckInputs): Promise<BundleVerdict> {
  if (inp.importStrategy === 'fromEnvironment' && inp.interpreter.mpguardImportable) return { ok: true };
  if (checkBundle(inp.info, inp.interpreter).ok) return { ok: true };
  const hasMpguard = inp.interpreter.mpguardImportable ?? await inp.environmentHasMpguard();
  return checkBundle(inp.info, inp.interpreter, hasMpguard);
}
