import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { hasMpguardTable, renderDebugInfo } from '../debugInfo';

describe('renderDebugInfo', () => {
  it('lists versions, interpreter, launch, config files, settings, bundle and server stats', () => {
    const text = renderDebugInfo({
      extensionVersion: '0.1.0', vscodeVersion: '1.100.3', platform: 'linux-x64', state: 'mpguard — mpguard 0.1.0',
      launch: '/usr/bin/python3 -m mpguard server --stdio', interpreter: 'Python 3.12.3 (/usr/bin/python3, from PATH)',
      bundle: { platform: 'linux-x64', pythons: ['3.12'] }, server: 'mpguard 0.1.0', settings: { logLevel: 'info' },
      configFiles: ['pyproject.toml'], serverStats: { totalAnalyses: 3 },
    });
    assert.equal(text, [
      '# mpguard debug info', '',
      '- extension: 0.1.0', '- VS Code: 1.100.3 (linux-x64)', '- state: mpguard — mpguard 0.1.0', '- server: mpguard 0.1.0',
      '- interpreter: Python 3.12.3 (/usr/bin/python3, from PATH)', '- launch: /usr/bin/python3 -m mpguard server --stdio', '',
      '## Configuration files', '', '- pyproject.toml', '',
      '## Settings', '', '```json', '{\n  "logLevel": "info"\n}', '```', '',
      '## Bundle', '', '```json', '{\n  "platform": "linux-x64",\n  "pythons": [\n    "3.12"\n  ]\n}', '```', '',
      '## Server', '', '```json', '{\n  "totalAnalyses": 3\n}', '```', '',
    ].join('\n'));
  });
});

describe('hasMpguardTable', () => {
  it('finds [tool.mpguard] and its sub-tables, not other tools', () => {
    assert.equal(hasMpguardTable('[project]\nname = "x"\n\n[tool.mpguard]\nselect = ["MP1"]\n'), true);
    assert.equal(hasMpguardTable('[ tool.mpguard.severity ]\nMP302 = "hint"\n'), true);
    assert.equal(hasMpguardTable('[tool.mpguardian]\n[tool.ruff]\n# [tool.mpguard]\n'), false);
  });
});
