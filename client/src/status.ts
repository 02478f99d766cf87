// What the language status item shows. Pure: no `vscode` import (extension.ts maps it onto
// `vscode.languages.createLanguageStatusItem`).

export type ServerState =
  | { kind: 'starting'; detail?: string }
  | { kind: 'running'; detail: string }
  | { kind: 'disabled'; detail?: string }
  | { kind: 'stopped'; detail?: string }
  | { kind: 'error'; message: string; fix?: string };

export interface StatusView {
  text: string;
  detail: string;
  busy: boolean;
  severity: 'information' | 'warning' | 'error';
}

export function statusView(state: ServerState): StatusView {
  switch (state.kind) {
    case 'starting':
      return { text: 'mpguard: starting', detail: state.detail ?? 'Starting the mpguard server', busy: true, severity: 'information' };
    case 'running':
      return { text: 'mpguard', detail: state.detail, busy: false, severity: 'information' };
    case 'disabled':
      return { text: 'mpguard: disabled', detail: state.detail ?? '"mpguard.enable" is false', busy: false, severity: 'information' };
    case 'stopped':
      return { text: 'mpguard: stopped', detail: state.detail ?? 'The server is not running. Run "mpguard: Restart Server".', busy: false, severity: 'warning' };
    case 'error':
      return {
        text: 'mpguard: error',
        detail: state.fix ? `${state.message} ${state.fix}` : state.message,
        busy: false,
        severity: 'error',
      };
  }
}
