import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authtokenFromNgrokConfig, findAuthtoken, ngrokConfigPaths } from '../../../src/core/tunnel/authtoken';

describe('authtoken lookup', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'wt-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('reads v2 and v3 ngrok configs, quoted or not, and ignores nested look-alikes', () => {
    assert.equal(authtokenFromNgrokConfig('authtoken: 2abc_DEF\nregion: eu\n'), '2abc_DEF');
    assert.equal(authtokenFromNgrokConfig('version: "3"\nagent:\n  authtoken: "2xyz" # mine\n  region: us\n'), '2xyz');
    assert.equal(authtokenFromNgrokConfig("agent:\n    authtoken: '2q'\n"), '2q');
    assert.equal(authtokenFromNgrokConfig('tunnels:\n  web:\n    authtoken: nope\n'), undefined);
    assert.equal(authtokenFromNgrokConfig('# authtoken: commented\n'), undefined);
  });

  it('knows the default config path on each OS', () => {
    assert.equal(ngrokConfigPaths('linux', {}, '/home/u')[0], '/home/u/.config/ngrok/ngrok.yml');
    assert.equal(ngrokConfigPaths('linux', { XDG_CONFIG_HOME: '/x' }, '/home/u')[0], '/x/ngrok/ngrok.yml');
    assert.equal(ngrokConfigPaths('darwin', {}, '/Users/u')[0], '/Users/u/Library/Application Support/ngrok/ngrok.yml');
    assert.match(ngrokConfigPaths('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')[0]!, /ngrok[\\/]ngrok\.yml$/);
    assert.deepEqual(ngrokConfigPaths('linux', {}, '/h').slice(1), ['/h/.ngrok2/ngrok.yml']);
  });

  it('takes secret storage first, then $NGROK_AUTHTOKEN, then the ngrok config, and says which', async () => {
    mkdirSync(join(home, '.config', 'ngrok'), { recursive: true });
    writeFileSync(join(home, '.config', 'ngrok', 'ngrok.yml'), 'version: "3"\nagent:\n  authtoken: from-file\n');
    const lookup = (stored: string | undefined, env: NodeJS.ProcessEnv) => findAuthtoken({ fromSecretStorage: async () => stored, env, platform: 'linux', home });
    assert.deepEqual(await lookup('from-secrets', { NGROK_AUTHTOKEN: 'from-env' }), { token: 'from-secrets', source: 'secretStorage', where: 'VS Code secret storage' });
    assert.deepEqual(await lookup(undefined, { NGROK_AUTHTOKEN: ' from-env ' }), { token: 'from-env', source: 'environment', where: '$NGROK_AUTHTOKEN' });
    assert.deepEqual(await lookup(undefined, {}), { token: 'from-file', source: 'ngrokConfig', where: join(home, '.config', 'ngrok', 'ngrok.yml') });
    rmSync(join(home, '.config'), { recursive: true });
    assert.equal(await lookup('  ', {}), undefined);
  });
});
