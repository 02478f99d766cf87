// What vscode-languageclient writes into its output channel, routed onto the levels of our
// LogOutputChannel. Pure: no `vscode` import (host.ts adapts it to an OutputChannel).
//
// Without this, a LogOutputChannel logs every line at [info] under its own timestamp, so lines
// read `... [info] [Warn  - 11:02:03 AM] WARNING mpguard.lsp: ...` (two timestamps, wrong level),
// every server record came twice (stderr and window/logMessage), and pygls's "Cancel notification
// for unknown message id" (a request that had already been answered) filled the log.

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Routed {
  level: Level;
  text: string;
}

/** `[Warn  - 11:02:03 AM] text`: vscode-languageclient's own lines and server logMessages. */
const CLIENT_LINE = /^\[(Trace|LSP|Debug|Info|Warn|Error)\s*- [^\]]*\] ?([\s\S]*)$/;
/** `WARNING mpguard.lsp: text`: the server's window/logMessage text (lsp/server.py). */
const SERVER_PREFIX = /^(CRITICAL|ERROR|WARNING|INFO|DEBUG) ([\w.]+: [\s\S]*)$/;
/** `2026-01-02 11:02:03,456 WARNING pygls.protocol: text`: a server record on stderr. */
const STDERR_RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (CRITICAL|ERROR|WARNING|INFO|DEBUG) ([\w.]+): (.*)$/;
/** Protocol chatter, not a problem: the client cancelled a request the server had answered; a
 *  message reached a server that was already shutting down (a restart). */
const NOISE = [/Cancel notification for unknown message id/, /Server shutting down\. No more requests!/];
/** vscode-languageclient reports every exit as an error, also the one of a server it stopped. */
const NORMAL_EXIT = /^Server process exited with code 0\.$/;

const CLIENT_LEVELS: Record<string, Level> = { Trace: 'info', LSP: 'info', Debug: 'debug', Info: 'info', Warn: 'warn', Error: 'error' };
const PYTHON_LEVELS: Record<string, Level> = { CRITICAL: 'error', ERROR: 'error', WARNING: 'warn', INFO: 'info', DEBUG: 'debug' };

export class LogRouter {
  /** Set once the server answered `initialize`: from then on its own records come through
   *  window/logMessage (at the user's `mpguard.logLevel`), so their stderr copies are dropped. */
  connected = false;
  /** The server's last error-level line (its stderr or logMessages, not the client's own
   *  "connection closed"), e.g. `ModuleNotFoundError: No module named 'mpguard'`. */
  lastError: string | undefined;
  private partial = '';
  private stderrLevel: Level = 'error'; // before any record: Python's own start-up errors
  private stderrDropped = false;
  private lineLevel: Level = 'info';

  constructor(private readonly sink: (entry: Routed) => void) {}

  /** A line vscode-languageclient wrote (its messages, the server's logMessages, their data). */
  line(raw: string): void {
    const text = raw.replace(/\s+$/, '');
    if (!text) return;
    const client = CLIENT_LINE.exec(text);
    if (client) {
      this.lineLevel = NORMAL_EXIT.test(client[2]) ? 'info' : CLIENT_LEVELS[client[1]];
      this.emitServerText(client[2], this.lineLevel);
      return;
    }
    this.emitServerText(text, this.lineLevel); // data of the previous line, or a logMessage of type Log
  }

  /** A chunk of the server's stderr (not necessarily whole lines). */
  stderr(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.stderrLine(line);
  }

  /** Whatever stderr left without a final newline (the process exited). */
  flush(): void {
    if (this.partial) this.stderrLine(this.partial);
    this.partial = '';
  }

  private stderrLine(line: string): void {
    const text = line.replace(/\s+$/, '');
    if (!text) return;
    const record = STDERR_RECORD.exec(text);
    if (record) {
      const [, levelName, logger, message] = record;
      this.stderrLevel = PYTHON_LEVELS[levelName];
      this.stderrDropped = (this.connected && logger.startsWith('mpguard')) || NOISE.some(n => n.test(message));
      if (!this.stderrDropped) this.emit(this.stderrLevel, `${logger}: ${message}`, true);
      return;
    }
    if (!this.stderrDropped) this.emit(this.stderrLevel, text, true); // a traceback line, or Python's own output
  }

  private emitServerText(text: string, level: Level): void {
    const server = SERVER_PREFIX.exec(text);
    if (server) {
      this.emit(PYTHON_LEVELS[server[1]], server[2], true);
    } else if (!NOISE.some(n => n.test(text))) {
      this.emit(level, text, false);
    }
  }

  private emit(level: Level, text: string, fromServer: boolean): void {
    if (level === 'error' && fromServer) this.lastError = text.split('\n').filter(l => l.trim()).pop()?.trim();
    this.sink({ level, text });
  }
}
