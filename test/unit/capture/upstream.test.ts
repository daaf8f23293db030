import assert from 'node:assert/strict';
import { parseUpstream, UpstreamError } from '../../../src/core/config/upstream';

describe('parseUpstream', () => {
  it('accepts a port, host:port and URLs', () => {
    assert.equal(parseUpstream('3000').origin, 'http://localhost:3000');
    assert.equal(parseUpstream(' localhost:3000 ').origin, 'http://localhost:3000');
    assert.deepEqual(parseUpstream('http://localhost:3000'), { origin: 'http://localhost:3000', protocol: 'http:', hostname: 'localhost', port: 3000, basePath: '' });
    assert.deepEqual(parseUpstream('https://app.test/api/'), { origin: 'https://app.test/api', protocol: 'https:', hostname: 'app.test', port: 443, basePath: '/api' });
    assert.equal(parseUpstream('http://[::1]:8080').hostname, '::1');
  });

  it('rejects what cannot be a dev server, saying what is accepted', () => {
    for (const bad of ['', 'ftp://x:21', 'http://user:pw@localhost:3000', 'localhost:99999', 'http://local host', 'http://localhost:3000/?q=1']) {
      assert.throws(() => parseUpstream(bad), (error: unknown) => error instanceof UpstreamError && /Use a port \(3000\)/.test(error.message), bad);
    }
  });
});
