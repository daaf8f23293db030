import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as vscode from 'vscode';
import type { WebhookTunnelApi } from '../../src/extension';
import type { LocalEdge } from '../edge/localEdge';
import { publicRequest, waitUntil } from '../unit/edge/sdkHarness';
import { useLocalEdge } from './localEdgeSetup';

/** Start Tunnel with a public URL, through the real SDK in this extension host, against the local edge. */
describe('Start Tunnel through ngrok (local edge, real SDK in the extension host)', function () {
  this.timeout(60_000);
  let edge: LocalEdge;
  let local: Awaited<ReturnType<typeof useLocalEdge>>;
  const devServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('dev server says hi'));
  });
  const config = () => vscode.workspace.getConfiguration('webhookTunnel');
  let api: WebhookTunnelApi;

  before(async () => {
    api = await vscode.extensions.getExtension<WebhookTunnelApi>('webhooktunnel.webhook-tunnel')!.activate();
    local = await useLocalEdge(devServer, ['publicUrl']);
    edge = local.edge;
    await config().update('publicUrl', true, vscode.ConfigurationTarget.Global);
  });

  after(() => local.restore());

  it('puts the public URL in the state, forwards a public POST to the dev server and lists it in the tree', async () => {
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    const state = api.tunnel.state;
    assert.equal(state.kind, 'on', JSON.stringify(state));
    if (state.kind !== 'on') return;
    assert.match(state.url, /^https:\/\/[a-z0-9-]+\.localhost$/);
    assert.deepEqual(state.route, { kind: 'ngrok', authtokenSource: '$NGROK_AUTHTOKEN', serverAddr: edge.serverAddr, region: undefined, localEdge: true });
    const auth = edge.records.auths.at(-1)!.request;
    assert.equal(auth.Extra.AuthToken, 'integration-test-token');
    assert.match(auth.Extra.UserAgent ?? '', /^webhook-tunnel\/\d+\.\d+\.\d+ /);

    const response = await publicRequest(`${edge.publicUrl(state.url)}/webhooks/public`, { method: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"via":"edge"}') });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'dev server says hi');
    await waitUntil(() => api.historyTree.getChildren().some((e) => e.request.url === '/webhooks/public'), 'the call in the tree');

    await vscode.commands.executeCommand('webhookTunnel.copyPublicUrl');
    assert.equal(await vscode.env.clipboard.readText(), state.url);
  });

  it('stops: the edge saw Unbind and the public URL is gone', async () => {
    const state = api.tunnel.state;
    assert.equal(state.kind, 'on');
    await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
    assert.equal(api.tunnel.state.kind, 'off');
    assert.ok(edge.records.unbinds.length >= 1);
    const after = await publicRequest(`${edge.publicUrl(state.kind === 'on' ? state.url : '')}/after`);
    assert.equal(after.status, 404);
  });

  it('turns a refused authtoken into the error state with its fix', async () => {
    edge.refuseAuth({ code: 'ERR_NGROK_105' });
    try {
      // The command shows an error message; the state carries what it says.
      await vscode.commands.executeCommand('webhookTunnel.startTunnel');
      const state = api.tunnel.state;
      assert.ok(state.kind === 'error' && state.code === 'ERR_NGROK_105' && state.fix === 'setAuthtoken', JSON.stringify(state));
    } finally {
      edge.refuseAuth(null);
    }
  });
});
