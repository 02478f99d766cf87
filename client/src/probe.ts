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

type ExecError = Error & { code?: string | number | null; killed?: boolean; signal?: string | null };

/**
 * Why the probe failed, in one line for a notification: not `err.message`, which repeats the
 * whole probe script. A Python traceback's reason is its last line; other tools (a pyenv shim,
 * a wrapper script) say it first.
 */
export function probeFailure(exe: string, err: ExecError, stderr: string): string {
  if (err.code === 'ENOENT') return `${exe} not found`;
  if (err.killed) return `${exe} did not answer within 15 s`;
  const lines = stderr.split(/\r?\n/).map(l => l.trim()).filter(Boolean);
  const reason = lines.length === 0 ? '' : lines.some(l => l.startsWith('Traceback')) ? lines[lines.length - 1] : lines[0];
  const status = typeof err.code === 'number' ? `exited with code ${err.code}` : err.signal ? `was stopped by ${err.signal}` : 'failed';
  return `${exe} ${status}${reason ? `: ${reason.slice(0, 200)}` : ''}`;
}

export function probePython(argv: string[], opts: ProbeOptions = {}): Promise<ProbeResult> {
  const [exe, ...pre] = argv;
  const args = [...pre, '-c', PROBE, ...(opts.checkImport ? ['--check-import'] : [])];
  return new Promise(resolve => {
    execFile(exe, args, { env: opts.env as NodeJS.ProcessEnv, cwd: opts.cwd, timeout: opts.timeoutMs ?? 15000, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          resolve({ ok: false, error: probeFailure(exe, err as ExecError, String(stderr ?? '')) });
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
