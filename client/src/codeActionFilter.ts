// Which of the server's code actions VS Code shows, after Ruff's `fixAll`,
// `codeAction.fixViolation.enable` and `codeAction.disableRuleComment.enable`. Pure: no `vscode`.

import type { CodeActionSettings } from './settings';

export const FIX_ALL_KIND_VALUE = 'source.fixAll.mpguard';
/** The titles of the server's suppression quick fixes (lsp/server.py collect_actions). */
const DISABLE_RULE_TITLE = /^Disable MP\d{3} for this (line|file)$/;

export type ActionGroup = 'fixAll' | 'fixViolation' | 'disableRuleComment' | 'other';

export function actionGroup(kind: string | undefined, title: string): ActionGroup {
  if (kind === FIX_ALL_KIND_VALUE || kind?.startsWith(`${FIX_ALL_KIND_VALUE}.`)) return 'fixAll';
  if (kind === 'quickfix' || kind?.startsWith('quickfix.')) {
    return DISABLE_RULE_TITLE.test(title) ? 'disableRuleComment' : 'fixViolation';
  }
  return 'other'; // refactor.rewrite ("Convert Pool to ProcessPoolExecutor") has no toggle
}

export function actionShown(kind: string | undefined, title: string, settings: CodeActionSettings): boolean {
  const group = actionGroup(kind, title);
  return group === 'other' || settings[group];
}
