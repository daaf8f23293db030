import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Exchange } from '../../../src/core/capture/exchange';
import { TunnelController } from '../../../src/core/tunnel/tunnelController';
import type { TunnelState } from '../../../src/core/tunnel/tunnelState';
import { send, startServer } from '../../support/httpServers';

const settings = (upstream: string, port = 0) => ({ upstream, port, maxBodyBytes: 1024, upstreamTimeoutMs: 5000 });

describe('TunnelController', () => {
  it('goes off → starting → on with the proxy address, records calls, and back to off on stop', async () => {
    const upstream = await startServer((_req, res) => res.end('ok'));
    const recorded: Exchange[] = [];
    const controller = new TunnelController((exchange) => recorded.push(exchange));
    const states: TunnelState[] = [];
    controller.onDidChangeState((state) => states.push(state));
    try {
      const on = await controller.start(settings(String(upstream.port)));
      assert.equal(on.kind, 'on');
      assert.ok(on.kind === 'on' && /^http:\/\/127\.0\.0\.1:\d+$/.test(on.url));
      assert.deepEqual(states.map((s) => s.kind), ['starting', 'on']);
      assert.equal(on.kind === 'on' && on.upstream, `http://localhost:${upstream.port}`);

      const response = await send(`${on.kind === 'on' ? on.url : ''}/hook`, { body: Buffer.from('{}') });
      assert.equal(response.body.toString(), 'ok');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(recorded.length, 1);

      // A second start while on is a no-op, not a second proxy.
      assert.deepEqual(await controller.start(settings(String(upstream.port))), on);
      await controller.stop();
      assert.equal(controller.state.kind, 'off');
      await assert.rejects(send(`${on.kind === 'on' ? on.url : ''}/hook`, { agent: false }), /ECONNREFUSED/);
    } finally {
      await controller.stop();
      await upstream.close();
    }
  });

  it('ends in the error state with a reason for a bad upstream or a busy port', async () => {
    const controller = new TunnelController(() => undefined);
    const bad = await controller.start(settings('ftp://nope'));
    assert.equal(bad.kind, 'error');
    assert.match(bad.kind === 'error' ? bad.reason : '', /must be http or https/);
    assert.equal(bad.kind === 'error' && bad.fix, 'openUpstreamSetting');

    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const state = await controller.start(settings('3000', (busy.address() as AddressInfo).port));
      assert.equal(state.kind, 'error');
      assert.match(state.kind === 'error' ? state.reason : '', /already in use; pick another in "webhookTunnel\.capture\.port"/);
      assert.equal(state.kind === 'error' && state.fix, 'openCaptureSettings');
      // It recovers on the next start with a free port.
      assert.equal((await controller.start(settings('3000'))).kind, 'on');
    } finally {
      await controller.stop();
      busy.close();
    }
  });

  it('serializes a stop issued during start, leaving nothing listening', async () => {
    const controller = new TunnelController(() => undefined);
    const starting = controller.start(settings('3000'));
    const stopped = controller.stop();
    const on = await starting;
    assert.equal((await stopped).kind, 'off');
    await assert.rejects(send(`${on.kind === 'on' ? on.url : 'http://127.0.0.1:1'}/x`, { agent: false }), /ECONNREFUSED/);
  });
});
