import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createTestCa } from '../../edge/testCa';
import { TunnelRegistry, stripPort } from '../../edge/tunnelRegistry';
import type { BindRequest } from '../../edge/protocol';

describe('the local edge test CA', () => {
  it('makes a CA and a server certificate for localhost, 127.0.0.1 and ::1', () => {
    const ca = createTestCa();
    const caCert = new X509Certificate(ca.caPem);
    const leaf = new X509Certificate(ca.certPem);
    assert.equal(caCert.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(caCert));
    assert.ok(leaf.verify(caCert.publicKey));
    assert.ok(caCert.verify(caCert.publicKey));
    assert.equal(leaf.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(leaf.checkHost('localhost'));
    assert.ok(leaf.checkIP('127.0.0.1'));
    assert.ok(leaf.checkIP('::1'));
    assert.match(caCert.subject, /not ngrok/);
    assert.doesNotMatch(ca.caPem, /PRIVATE KEY/);
    assert.notEqual(createTestCa().caPem, ca.caPem, 'a fresh CA each time');
  });

  it('writes only the CA certificate to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-ca-'));
    try {
      const ca = createTestCa();
      ca.writeCaPem(join(dir, 'ca.pem'));
      assert.equal(readFileSync(join(dir, 'ca.pem'), 'utf8'), ca.caPem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes a strict TLS client check for both a DNS name and an IP address', async () => {
    const ca = createTestCa();
    const server = createServer({ key: ca.keyPem, cert: ca.certPem }, (socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of ['localhost', undefined]) {
        const text = await new Promise<string>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port, ca: ca.caPem, ...(servername && { servername }) }, () => socket.once('data', (d: Buffer) => resolve(d.toString())));
          socket.once('error', reject);
        });
        assert.equal(text, 'ok');
      }
    } finally {
      server.close();
    }
  });
});

describe('tunnel registry', () => {
  const bind = (id: string, opts: Record<string, unknown> = {}): BindRequest => ({ Id: id, Proto: 'https', ForwardsTo: 'app://x', ForwardsProto: '', Opts: { Domain: '', ...opts }, Extra: { Token: '', Metadata: 'm' } });

  it('names tunnels under the domain, keeps id → URL across rebinds, and honours Domain and Subdomain', () => {
    let n = 0;
    const registry = new TunnelRegistry('localhost', () => `name${++n}`);
    const first = registry.bind(bind(''), 'c1', 's1');
    assert.ok(first.ok);
    assert.equal(first.tunnel.url, 'https://name1.localhost');
    registry.detach('c1');
    assert.equal(registry.route('name1.localhost:8080'), null, 'offline while its connection is gone');
    const again = registry.bind(bind(first.tunnel.id), 'c2', 's1');
    assert.ok(again.ok && again.rebind);
    assert.equal(again.tunnel.url, 'https://name1.localhost');
    assert.equal(registry.route('NAME1.localhost:8080')?.connectionId, 'c2');

    const custom = registry.bind(bind('', { Domain: 'Hooks.localhost' }), 'c2', 's1');
    assert.ok(custom.ok);
    assert.equal(custom.tunnel.url, 'https://hooks.localhost');
    const taken = registry.bind(bind('', { Domain: 'hooks.localhost' }), 'c3', 's2');
    assert.deepEqual(taken.ok ? null : taken.code, 'ERR_NGROK_334');
    const sub = registry.bind(bind('', { Subdomain: 'team' }), 'c2', 's1');
    assert.ok(sub.ok);
    assert.equal(sub.tunnel.hostname, 'team.localhost');
  });

  it('tolerates the duplicate Unbind and stops routing', () => {
    const registry = new TunnelRegistry('localhost', () => 'a');
    const bound = registry.bind(bind(''), 'c1', 's1');
    assert.ok(bound.ok);
    assert.equal(registry.unbind(bound.tunnel.id), true);
    assert.equal(registry.unbind(bound.tunnel.id), false);
    assert.equal(registry.route('a.localhost'), null);
  });

  it('strips ports from Host values, including IPv6 literals', () => {
    assert.equal(stripPort('a.localhost:80'), 'a.localhost');
    assert.equal(stripPort('a.localhost'), 'a.localhost');
    assert.equal(stripPort('[::1]:80'), '[::1]');
  });
});
