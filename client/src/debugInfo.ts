// The text of "mpguard: Show Debug Info", for a bug report. Pure: no `vscode` import.

export interface DebugInfo {
  extensionVersion: string;
  vscodeVersion: string;
  platform: string; // `linux-x64`
  /** The language status text and detail, e.g. `mpguard: error` / the reason. */
  state: string;
  /** The server command line (serverCommand.ts describeLaunch), or why there is none. */
  launch: string;
  /** Interpreter and where it came from, e.g. `Python 3.12.3 (/usr/bin/python3, from PATH)`. */
  interpreter: string;
  /** Contents of `bundled/bundle-info.json`, when the extension has a bundled server. */
  bundle: unknown;
  /** `serverInfo` from the initialize result. */
  server: string;
  /** The effective `mpguard.*` settings of the first folder. */
  settings: unknown;
  /** Configuration files found in the workspace (pyproject.toml with `[tool.mpguard]`). */
  configFiles: string[];
  /** What the server's `mpguard.debugInfo` command answered, when it runs. */
  serverStats: unknown;
}

function json(value: unknown): string[] {
  return ['```json', JSON.stringify(value ?? null, null, 2), '```'];
}

export function renderDebugInfo(info: DebugInfo): string {
  const lines = [
    '# mpguard debug info',
    '',
    `- extension: ${info.extensionVersion}`,
    `- VS Code: ${info.vscodeVersion} (${info.platform})`,
    `- state: ${info.state}`,
    `- server: ${info.server}`,
    `- interpreter: ${info.interpreter}`,
    `- launch: ${info.launch}`,
    '',
    '## Configuration files',
    '',
    ...(info.configFiles.length ? info.configFiles.map(f => `- ${f}`) : ['- none with `[tool.mpguard]`']),
    '',
    '## Settings',
    '',
    ...json(info.settings),
    '',
    '## Bundle',
    '',
    ...json(info.bundle),
    '',
    '## Server',
    '',
    ...json(info.serverStats),
    '',
  ];
  return lines.join('\n');
}

/** `[tool.mpguard]` (or a sub-table) in a pyproject.toml text. */
export function hasMpguardTable(text: string): boolean {
  return /^\s*\[\s*tool\s*\.\s*mpguard\s*[\].]/m.test(text);
}
