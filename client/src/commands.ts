// Commands the extension contributes, and how they coexist with the server's commands.
// Pure: no `vscode` import.
//
// vscode-languageclient registers every command the server lists in `executeCommandProvider`
// as a VS Code command. The mpguard server lists `mpguard.fixAll` (arguments: a document URI),
// which is also the palette command this extension contributes (no arguments: the active editor).
// Registering the same id twice throws, so the client keeps its own registration and forwards
// calls that carry arguments to the server. `mpguard.checkWorkspace` is the server's command too;
// the palette entry forwards every call.

export const CLIENT_COMMANDS: readonly string[] = [
  'mpguard.restart', 'mpguard.showLogs', 'mpguard.fixAll', 'mpguard.showRuleDocumentation', 'mpguard.showDebugInfo',
  'mpguard.checkWorkspace',
];
/** Implemented by the server (`workspace/executeCommand`); the palette entry forwards to it. */
export const CHECK_WORKSPACE = 'mpguard.checkWorkspace';

export interface SplitCommands {
  /** Server commands vscode-languageclient may register as VS Code commands. */
  register: string[];
  /** Server commands the extension already owns (calls with arguments are forwarded). */
  owned: string[];
}

export function splitServerCommands(serverCommands: readonly string[] | undefined, clientCommands: readonly string[] = CLIENT_COMMANDS): SplitCommands {
  const all = [...(serverCommands ?? [])];
  return {
    register: all.filter(c => !clientCommands.includes(c)),
    owned: all.filter(c => clientCommands.includes(c)),
  };
}

/** A call of `mpguard.fixAll` with arguments (from a code action or another extension) goes to the server. */
export function forwardToServer(command: string, args: unknown[], owned: readonly string[]): boolean {
  return args.length > 0 && owned.includes(command);
}

/** The parts of a diagnostic `ruleAtCursor` reads (a vscode.Diagnostic fits). */
export interface DiagnosticLike {
  source?: string;
  code?: string | number | { value: string | number };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/**
 * The rule code of the mpguard diagnostic under the cursor; else of the first one on the cursor's
 * line (the cursor is often at the end of it); undefined when there is none.
 */
export function ruleAtCursor(diagnostics: readonly DiagnosticLike[], cursor: { line: number; character: number }): string | undefined {
  const ours = diagnostics.filter(d => d.source === 'mpguard' && d.code !== undefined);
  const code = (d: DiagnosticLike): string => String(typeof d.code === 'object' ? d.code.value : d.code);
  const under = ours.find(d => before(d.range.start, cursor) && before(cursor, d.range.end));
  if (under) return code(under);
  const onLine = ours.find(d => d.range.start.line <= cursor.line && cursor.line <= d.range.end.line);
  return onLine ? code(onLine) : undefined;
}
