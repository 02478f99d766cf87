// Commands the extension contributes, and how they coexist with the server's commands.
// Pure: no `vscode` import.
//
// vscode-languageclient registers every command the server lists in `executeCommandProvider`
// as a VS Code command. The mpguard server lists `mpguard.fixAll` (arguments: a document URI),
// which is also the palette command this extension contributes (no arguments: the active editor).
// Registering the same id twice throws, so the client keeps its own registration and forwards
// calls that carry arguments to the server.

export const CLIENT_COMMANDS: readonly string[] = ['mpguard.restart', 'mpguard.showLogs', 'mpguard.fixAll'];

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
