// Thin adapter: tell the user, before launch, that the bundled server has nothing for their
// interpreter (the decision is bundleSupport.ts's) and offer `importStrategy: fromEnvironment`.
import * as vscode from 'vscode';
import { checkLaunch, readBundleInfo } from './bundleSupport';
import type { ProbeOptions, ProbeResult } from './probe';
import { probePython } from './probe';
import { SECTION } from './settings';
import type { ImportStrategy } from './settings';

export interface BundleLaunchCheck {
  extensionPath: string;
  argv: string[];
  probe: ProbeResult;
  probeOptions: ProbeOptions;
  importStrategy: ImportStrategy;
  log: vscode.LogOutputChannel;
  /** Show the failure in the language status item. */
  report(message: string, fix: string): void;
}

const USE_ENVIRONMENT = 'Use mpguard from the Environment';
const OPEN_SETTINGS = 'Open Settings';
/** One pop-up per interpreter and window: restarts must not repeat it. */
const notified = new Set<string>();

/** True when the server must not be started on the bundle: the user has been told why. */
export async function bundleBlocksLaunch(c: BundleLaunchCheck): Promise<boolean> {
  const verdict = await checkLaunch({
    info: readBundleInfo(c.extensionPath),
    interpreter: c.probe,
    importStrategy: c.importStrategy,
    environmentHasMpguard: async () =>
      (await probePython(c.argv, { ...c.probeOptions, checkImport: true })).mpguardImportable ?? false,
  });
  if (verdict.ok) return false;
  c.log.error(`${verdict.message} ${verdict.fix}`);
  c.report(verdict.message, verdict.fix);
  const key = c.probe.executable ?? c.argv.join(' ');
  if (!notified.has(key)) {
    notified.add(key);
    // A non-modal message has no separate detail line: the fix goes into the text.
    void vscode.window.showWarningMessage(`mpguard: ${verdict.message} ${verdict.fix}`, USE_ENVIRONMENT, OPEN_SETTINGS)
      .then(async choice => {
        if (choice === USE_ENVIRONMENT) {
          // User settings: in Restricted Mode a workspace value of importStrategy is ignored.
          await vscode.workspace.getConfiguration(SECTION).update('importStrategy', 'fromEnvironment', vscode.ConfigurationTarget.Global);
        } else if (choice === OPEN_SETTINGS) {
          await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.interpreter`);
        }
      });
  }
  return true;
}
