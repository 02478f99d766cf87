// A server that cannot start or keeps crashing is shown, not only logged: an error notification
// with the reason and what to do, whatever `mpguard.showNotifications` says (that setting is about
// the server's messages on your configuration). Pure: no `vscode` import.

export interface NoticeAction {
  title: string;
  command: string;
  args: unknown[];
}

export interface FailureNotice {
  message: string;
  actions: NoticeAction[];
}

export const SHOW_LOGS: NoticeAction = { title: 'Show Logs', command: 'mpguard.showLogs', args: [] };

/**
 * The notification of a failure. `reason` is the server's last error line (e.g. `No module
 * named 'mpguard'`), added when the message does not already hold it. "Select Interpreter" is the
 * Python extension's picker when it is installed, else the `mpguard.interpreter` setting.
 */
export function failureNotice(message: string, fix: string | undefined, reason: string | undefined, pythonExtension: boolean): FailureNotice {
  const parts = [`mpguard: ${message}`];
  if (reason && !message.includes(reason)) parts.push(`(${reason})`);
  if (fix) parts.push(fix);
  const selectInterpreter: NoticeAction = pythonExtension
    ? { title: 'Select Interpreter', command: 'python.setInterpreter', args: [] }
    : { title: 'Select Interpreter', command: 'workbench.action.openSettings', args: ['mpguard.interpreter'] };
  return { message: parts.join(' '), actions: [selectInterpreter, SHOW_LOGS] };
}

/**
 * Notify once per distinct failure: a restart that fails the same way again stays quiet until
 * the server ran, or the user asked for the restart.
 */
export class FailureMemory {
  private last: string | undefined;

  shouldNotify(message: string): boolean {
    if (message === this.last) return false;
    this.last = message;
    return true;
  }

  /** The server runs, or the user restarted it: the next failure is news again. */
  reset(): void {
    this.last = undefined;
  }
}

export type CrashDecision = { restart: true } | { restart: false; message: string };

/**
 * After the connection to a running server closed: restart it, at most `max` times in `windowMs` (vscode-languageclient's own policy is 4 in 3 minutes, then a generic pop-up).
 */
export class CrashPolicy {
  private readonly crashes: number[] = [];

  constructor(private readonly max = 4, private readonly windowMs = 3 * 60_000) {}

  closed(now: number): CrashDecision {
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > this.windowMs) this.crashes.shift();
    if (this.crashes.length <= this.max) return { restart: true };
    return { restart: false, message: `The mpguard server crashed ${this.crashes.length} times in ${Math.round(this.windowMs / 60_000)} minutes; it is not restarted.` };
  }
}
