import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  actionForChange, buildInitializationOptions, DEFAULTS, effectiveValue, ignoredWorkspaceValues,
  configurationAnswer, readCodeActionSettings, readLaunchSettings, readServerSettings, substituteVariables,
} from '../settings';
import type { ConfigSource, Inspected } from '../settings';

/** A ConfigSource from {key: {globalValue, workspaceValue, ...}}. */
function source(values: Record<string, Inspected<unknown>>): ConfigSource {
  return { inspect: <T>(key: string) => values[key] as Inspected<T> | undefined };
}
const vars = { workspaceFolder: '/ws', userHome: '/home/u', env: { VENV: '/opt/venv' } };

describe('effectiveValue', () => {
  it('prefers folder > workspace > user > default', () => {
    const i = { defaultValue: 1, globalValue: 2, workspaceValue: 3, workspaceFolderValue: 4 };
    assert.equal(effectiveValue(i, 'run', { trusted: true }), 4);
    assert.equal(effectiveValue({ ...i, workspaceFolderValue: undefined }, 'run', { trusted: true }), 3);
    assert.equal(effectiveValue({ defaultValue: 1, globalValue: 2 }, 'run', { trusted: true }), 2);
    assert.equal(effectiveValue({ defaultValue: 1 }, 'run', { trusted: true }), 1);
    assert.equal(effectiveValue(undefined, 'run', { trusted: true }), undefined);
  });

  it('ignores workspace values of restricted keys in Restricted Mode', () => {
    const i = { defaultValue: [], globalValue: ['/usr/bin/python3'], workspaceValue: ['.venv/bin/python'] };
    assert.deepEqual(effectiveValue(i, 'interpreter', { trusted: false }), ['/usr/bin/python3']);
    assert.deepEqual(effectiveValue(i, 'interpreter', { trusted: true }), ['.venv/bin/python']);
    for (const key of ['path', 'interpreter', 'importStrategy']) {
      assert.equal(effectiveValue({ defaultValue: 'd', workspaceFolderValue: 'w' }, key, { trusted: false }), 'd', key);
    }
    // Other keys keep their workspace values when untrusted.
    assert.deepEqual(effectiveValue({ defaultValue: [], workspaceValue: ['MP2'] }, 'select', { trusted: false }), ['MP2']);
  });

  it('names the workspace values it ignores', () => {
    const src = source({ path: { workspaceValue: ['evil'] }, interpreter: { globalValue: ['/p'] }, importStrategy: { workspaceFolderValue: 'fromEnvironment' } });
    assert.deepEqual(ignoredWorkspaceValues(src, { trusted: false }), ['path', 'importStrategy']);
    assert.deepEqual(ignoredWorkspaceValues(src, { trusted: true }), []);
  });
});

describe('readServerSettings', () => {
  it('leaves the pyproject-overriding keys unset (null) when the user set nothing', () => {
    const s = readServerSettings(source({
      select: { defaultValue: [] }, ignore: { defaultValue: [] }, severity: { defaultValue: {} },
      startMethod: { defaultValue: 'auto' }, enable: { defaultValue: true }, logLevel: { defaultValue: 'info' },
      extendSelect: { defaultValue: [] },
    }), { trusted: true });
    assert.deepEqual(s, {
      enable: true, run: 'onType', select: null, extendSelect: null, ignore: null, severity: null, startMethod: null,
      showNotifications: 'off', logLevel: 'info', debounceMs: 100, showSyntaxErrors: true, typeAware: true,
      typeAwareDelayMs: 1000, typeAwareBudgetMs: 5000, targetVersion: null, platforms: null, fixAll: true,
      codeAction: { fixViolation: { enable: true }, disableRuleComment: { enable: true } },
    });
  });

  it('validates and normalises values the user set', () => {
    const s = readServerSettings(source({
      enable: { globalValue: false },
      run: { workspaceValue: 'onSave' },
      select: { workspaceValue: ['MP1', 3, ' MP201 ', ''] },
      ignore: { workspaceValue: 'MP302' },
      severity: { globalValue: { MP302: 'Hint', MP6: 'Information', MP1: 'fatal', MP2: 7 } },
      startMethod: { globalValue: 'threads' },
      showNotifications: { globalValue: 'onError' },
      logLevel: { globalValue: 'debug' },
      extendSelect: { workspaceValue: ['MP9'] },
      debounceMs: { globalValue: 250.4 },
      typeAwareDelayMs: { globalValue: -5 },
      typeAwareBudgetMs: { globalValue: 10 ** 9 },
      typeAware: { workspaceValue: false },
      showSyntaxErrors: { workspaceValue: 'no' },
    }), { trusted: true });
    assert.equal(s.enable, false);
    assert.equal(s.run, 'onSave');
    assert.deepEqual(s.select, ['MP1', 'MP201']);
    assert.deepEqual(s.ignore, []);
    assert.deepEqual(s.severity, { MP302: 'hint', MP6: 'info' });
    assert.equal(s.startMethod, 'auto'); // not one of its values: the project's
    assert.equal(s.showNotifications, 'onError');
    assert.equal(s.logLevel, 'debug');
    assert.deepEqual(s.extendSelect, ['MP9']);
    assert.deepEqual([s.debounceMs, s.typeAwareDelayMs, s.typeAwareBudgetMs], [250, 1000, 60_000]);
    assert.deepEqual([s.typeAware, s.showSyntaxErrors], [false, true]);
  });

  it('treats an explicitly empty select as unset, an explicit ignore list as set', () => {
    const s = readServerSettings(source({ select: { workspaceValue: [] }, ignore: { globalValue: [] }, startMethod: { workspaceFolderValue: 'fork' } }), { trusted: true });
    assert.equal(s.select, null);
    assert.deepEqual(s.ignore, []);
    assert.equal(s.startMethod, 'fork');
  });
});

describe('substituteVariables', () => {
  it('expands workspaceFolder, userHome, env and ~', () => {
    assert.equal(substituteVariables('${workspaceFolder}/.venv/bin/python', vars), '/ws/.venv/bin/python');
    assert.equal(substituteVariables('${userHome}/py', vars), '/home/u/py');
    assert.equal(substituteVariables('${env:VENV}/bin/python', vars), '/opt/venv/bin/python');
    assert.equal(substituteVariables('${env:MISSING}x', vars), 'x');
    assert.equal(substituteVariables('~/bin/python', vars), '/home/u/bin/python');
    assert.equal(substituteVariables('a~b', vars), 'a~b');
    assert.equal(substituteVariables('${workspaceFolder}', { env: {} }), '${workspaceFolder}');
  });
});

describe('readLaunchSettings', () => {
  it('defaults to the bundled server and no explicit interpreter', () => {
    assert.deepEqual(readLaunchSettings(source({}), { trusted: true }, vars), { interpreter: [], path: [], importStrategy: 'useBundled' });
  });

  it('substitutes variables in interpreter and path', () => {
    const src = source({ interpreter: { workspaceValue: ['${workspaceFolder}/.venv/bin/python', '-X', 'utf8'] }, path: { globalValue: ['~/bin/mpguard', 'server'] } });
    const l = readLaunchSettings(src, { trusted: true }, vars);
    assert.deepEqual(l.interpreter, ['/ws/.venv/bin/python', '-X', 'utf8']);
    assert.deepEqual(l.path, ['/home/u/bin/mpguard', 'server']);
  });

  it('uses only user-level values in Restricted Mode', () => {
    const src = source({
      interpreter: { workspaceValue: ['${workspaceFolder}/.venv/bin/python'] },
      path: { workspaceFolderValue: ['./evil.sh'] },
      importStrategy: { workspaceValue: 'fromEnvironment', globalValue: 'useBundled' },
    });
    assert.deepEqual(readLaunchSettings(src, { trusted: false }, vars), { interpreter: [], path: [], importStrategy: 'useBundled' });
  });

  it('rejects unknown import strategies', () => {
    assert.equal(readLaunchSettings(source({ importStrategy: { globalValue: 'pip' } }), { trusted: true }, vars).importStrategy, DEFAULTS.importStrategy);
  });
});

describe('buildInitializationOptions', () => {
  it('sends one entry per folder plus the global settings', () => {
    const folderA = source({ select: { workspaceFolderValue: ['MP2'] }, enable: { globalValue: true } });
    const folderB = source({ enable: { workspaceFolderValue: false } });
    const global = source({ logLevel: { globalValue: 'info' } });
    const opts = buildInitializationOptions([{ uri: 'file:///a', source: folderA }, { uri: 'file:///b', source: folderB }], global, { trusted: true });
    assert.equal(opts.settings.length, 2);
    assert.equal(opts.settings[0].workspace, 'file:///a');
    assert.deepEqual(opts.settings[0].select, ['MP2']);
    assert.equal(opts.settings[1].enable, false);
    assert.equal(opts.globalSettings.logLevel, 'info');
    const keys = ['enable', 'run', 'select', 'extendSelect', 'ignore', 'severity', 'startMethod', 'showNotifications',
      'logLevel', 'debounceMs', 'showSyntaxErrors', 'typeAware', 'typeAwareDelayMs', 'typeAwareBudgetMs',
      'targetVersion', 'platforms', 'fixAll', 'codeAction'];
    assert.deepEqual(Object.keys(opts.globalSettings).sort(), [...keys].sort());
    assert.deepEqual(Object.keys(opts.settings[0]).sort(), [...keys, 'workspace'].sort());
    // Launch settings never go to the server.
    assert.ok(!('interpreter' in opts.globalSettings) && !('path' in opts.settings[0]));
  });
});

describe('actionForChange', () => {
  const only = (...keys: string[]) => (k: string) => keys.includes(k);
  it('restarts on launch-affecting keys', () => {
    for (const k of ['interpreter', 'path', 'importStrategy']) {
      assert.equal(actionForChange(only(k), true), 'restart', k);
    }
  });
  it('lets a listening server take the other keys live, restarts otherwise', () => {
    for (const k of ['enable', 'select', 'ignore', 'severity', 'run', 'startMethod', 'showNotifications', 'logLevel',
      'extendSelect', 'debounceMs', 'showSyntaxErrors', 'typeAware', 'typeAwareDelayMs', 'typeAwareBudgetMs',
      'targetVersion', 'platforms', 'fixAll', 'codeAction.fixViolation', 'codeAction.disableRuleComment']) {
      assert.equal(actionForChange(only(k), true), 'notify', k);
      assert.equal(actionForChange(only(k), false), 'restart', k);
    }
  });
  it('ignores keys the server does not read', () => {
    for (const k of ['trace.server']) {
      assert.equal(actionForChange(only(k), false), 'none', k);
    }
    assert.equal(actionForChange(only(), false), 'none');
  });
});

describe('configurationAnswer', () => {
  const raw = {
    enable: true, run: 'onType', select: [], ignore: [], severity: {}, startMethod: 'spawn', showNotifications: 'off',
    logLevel: 'warning', interpreter: ['/ws/.venv/bin/python'], path: ['./evil'], importStrategy: 'fromEnvironment',
    trace: { server: 'off' }, fixAll: true, codeAction: { fixViolation: { enable: true } },
  };
  const src = source({
    select: { defaultValue: [], workspaceValue: ['MP2'] }, startMethod: { defaultValue: 'spawn' },
    interpreter: { defaultValue: [], globalValue: ['/usr/bin/python3'], workspaceValue: ['/ws/.venv/bin/python'] },
    path: { defaultValue: [], workspaceValue: ['./evil'] }, importStrategy: { defaultValue: 'useBundled', workspaceValue: 'fromEnvironment' },
  });
  it('replaces VS Code defaults of pyproject-overriding keys by null', () => {
    const a = configurationAnswer(raw, src, { trusted: true }, vars) as Record<string, unknown>;
    assert.deepEqual(a.select, ['MP2']);
    assert.equal(a.ignore, null);
    assert.equal(a.severity, null);
    assert.equal(a.startMethod, null);
    assert.deepEqual(a.trace, { server: 'off' });
    assert.equal(a.targetVersion, null);
    assert.equal(a.platforms, null);
    // Ruff's code-action toggles are the server's: it leaves out what they turn off (any editor).
    assert.equal(a.fixAll, true);
    assert.deepEqual(a.codeAction, { fixViolation: { enable: true }, disableRuleComment: { enable: true } });
    assert.deepEqual(a.interpreter, ['/ws/.venv/bin/python']); // trusted: as is
  });
  it('replaces restricted keys with user-level values in Restricted Mode', () => {
    const a = configurationAnswer(raw, src, { trusted: false }, vars) as Record<string, unknown>;
    assert.deepEqual(a.interpreter, ['/usr/bin/python3']);
    assert.deepEqual(a.path, []);
    assert.equal(a.importStrategy, 'useBundled');
    assert.deepEqual(raw.interpreter, ['/ws/.venv/bin/python']); // not mutated
  });
  it('passes non-object answers through', () => {
    assert.equal(configurationAnswer(42, src, { trusted: false }, vars), 42);
    assert.equal((configurationAnswer(null, src, { trusted: true }, vars) as Record<string, unknown>).run, 'onType');
  });
});

describe('project settings the server reads', () => {
  it('sends targetVersion and platforms only when set, and "auto" as the user wrote it', () => {
    const unset = readServerSettings(source({ targetVersion: { defaultValue: 'auto' }, platforms: { defaultValue: [] } }), { trusted: true });
    assert.equal(unset.targetVersion, null);
    assert.equal(unset.platforms, null);
    const set = readServerSettings(source({
      targetVersion: { defaultValue: 'auto', workspaceValue: 'py314' }, platforms: { defaultValue: [], globalValue: ['linux'] },
      startMethod: { defaultValue: 'auto', workspaceFolderValue: 'auto' },
    }), { trusted: true });
    assert.equal(set.targetVersion, 'py314');
    assert.deepEqual(set.platforms, ['linux']);
    assert.equal(set.startMethod, 'auto'); // a folder's "auto" beats a user-level value on the server
  });
  it('sends the code-action toggles in Ruff\'s shape', () => {
    const s = readServerSettings(source({ 'codeAction.fixViolation': { globalValue: { enable: false } }, fixAll: { workspaceValue: false } }), { trusted: true });
    assert.equal(s.fixAll, false);
    assert.deepEqual(s.codeAction, { fixViolation: { enable: false }, disableRuleComment: { enable: true } });
  });
});

describe('readCodeActionSettings', () => {
  it('enables everything by default, like Ruff', () => {
    assert.deepEqual(readCodeActionSettings(source({}), { trusted: true }), { fixAll: true, fixViolation: true, disableRuleComment: true });
  });
  it('reads the {enable} objects, a bare boolean, and ignores garbage', () => {
    const src = source({
      fixAll: { workspaceValue: false },
      'codeAction.fixViolation': { globalValue: { enable: false } },
      'codeAction.disableRuleComment': { workspaceFolderValue: 'off' },
    });
    assert.deepEqual(readCodeActionSettings(src, { trusted: true }), { fixAll: false, fixViolation: false, disableRuleComment: true });
    assert.equal(readCodeActionSettings(source({ 'codeAction.fixViolation': { globalValue: false } }), { trusted: true }).fixViolation, false);
  });
});
