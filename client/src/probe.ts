// Ask a Python interpreter about itself before running the server on it. Pure Node: no `vscode`.
import { execFile } from 'node:child_process';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export interface ProbeResult {
  ok: boolean;
  /** [major, minor, micro] */
  version?: number[];
  executable?: string;
  implementation?: string;
  /** Only when asked: can this interpreter `import mpguard` from its own environment? */
  mpguardImportable?: boolean;
  mpguardVersion?: string;
  error?: string;
}

// Prints one JSON line. The import check runs with the bundle NOT on sys.path (the caller's env
// must not carry it) so that it answers "is mpguard installed in this environment".
const PROBE = [
  'import json, sys',
  'r = {"version": list(sys.version_info[:3]), "executable": sys.executable, "implementation": sys.implementation.name}',
  'if "--check-import" in sys.argv:',
  '    try:',
  '        import mpguard',
  '        r["mpguardImportable"] = True',
  '        r["mpguardVersion"] = str(getattr(mpguard, "__version__", ""))',
  '    except Exception as e:',
  '        r["mpguardImportable"] = False',
  'print(json.dumps(r))',
].join('\n');

export interface ProbeOptions {
  checkImport?: boolean;
  env?: Record<string, string | undefined>;
  /** Run from here; never the workspace (with `-c`, sys.path[0] is the current directory). */
  cwd?: string;
  timeoutMs?: number;
}

export function probePython(argv: string[], opts: ProbeOptions = {}): Promise<ProbeResult> {
  const [exe, ...pre] = argv;
  const args = [...pre, '-c', PROBE, ...(opts.checkImport ? ['--check-import'] : [])];
  return new Promise(resolve => {
    execFile(exe, args, { env: opts.env as NodeJS.ProcessEnv, cwd: opts.cwd, timeout: opts.timeoutMs ?? 15000, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why = code === 'ENOENT' ? `${exe} not found` : `${err.message}${stderr ? `\n${stderr.trim()}` : ''}`;
          resolve({ ok: false, error: why });
          return;
        }
        const line = stdout.trim().split(/\r?\n/).pop() ?? '';
        try {
          resolve({ ok: true, ...JSON.parse(line) });
        } catch {
          resolve({ ok: false, error: `unexpected output from ${exe}: ${line.slice(0, 200)}` });
        }
      });
  });
}

export function versionOk(v: number[] | undefined): boolean {
  if (!v || v.length < 2) return false;
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

export function formatVersion(v: number[] | undefined): string {
  return v && v.length ? v.join('.') : 'unknown';
}
