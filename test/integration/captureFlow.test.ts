import * as assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { WebhookTunnelApi } from '../../src/extension';
import { parseHistoryFilter } from '../../src/core/history/historyFilter';

const EXTENSION_ID = 'webhooktunnel.webhook-tunnel';

async function api(): Promise<WebhookTunnelApi> {
  const extension = vscode.extensions.getExtension<WebhookTunnelApi>(EXTENSION_ID);
  assert.ok(extension, 'extension loaded');
  return extension.activate();
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('Start Tunnel → capture → history tree (extension host)', function () {
  const received: string[] = [];
  const devServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString());
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  let devPort = 0;

  before(async () => {
    devPort = await listen(devServer);
    await vscode.workspace.getConfiguration('webhookTunnel').update('upstream', `localhost:${devPort}`, vscode.ConfigurationTarget.Global);
    // Local capture: these tests are about the proxy and the tree, not the public URL.
    await vscode.workspace.getConfiguration('webhookTunnel').update('publicUrl', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
    await vscode.workspace.getConfiguration('webhookTunnel').update('upstream', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('webhookTunnel').update('publicUrl', undefined, vscode.ConfigurationTarget.Global);
    devServer.close();
  });

  it('starts from the command, forwards a POST byte-exact and lists it in the tree with status, age, icon and tooltip', async () => {
    const { tunnel, historyTree } = await api();
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    const state = tunnel.state;
    assert.equal(state.kind, 'on', JSON.stringify(state));
    if (state.kind !== 'on') return;
    assert.equal(state.upstream, `http://localhost:${devPort}`);

    const payload = JSON.stringify({ action: 'opened', marker: `integration-${Date.now()}` });
    const response = await post(`${state.url}/hooks/github?delivery=1`, payload, { 'X-GitHub-Event': 'pull_request' });
    assert.equal(response.status, 202);
    assert.equal(response.body, '{"ok":true}');
    assert.equal(received.at(-1), payload);

    const top = await until('the call in the tree', () => historyTree.getChildren().find((e) => e.request.url === '/hooks/github?delivery=1'));
    assert.equal(historyTree.getChildren()[0]?.id, top.id, 'newest first');
    const item = historyTree.getTreeItem(top);
    assert.equal(item.label, 'POST /hooks/github');
    assert.match(String(item.description), /^202 · just now$/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match((item.tooltip as vscode.MarkdownString).value, /\| Status \| 202 Accepted \|/);
    assert.equal(item.command?.command, 'webhookTunnel.showExchange');
  });

  it('copies the address and shows a call in the detail panel', async () => {
    const { tunnel, historyTree } = await api();
    assert.equal(tunnel.state.kind, 'on');
    await vscode.commands.executeCommand('webhookTunnel.copyPublicUrl');
    assert.equal(await vscode.env.clipboard.readText(), tunnel.state.kind === 'on' ? tunnel.state.url : '');

    const exchange = historyTree.getChildren()[0]!;
    await vscode.commands.executeCommand('webhookTunnel.showExchange', exchange);
    const tab = await until('the detail panel', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputWebview ? active : undefined;
    });
    assert.match((tab.input as vscode.TabInputWebview).viewType, /webhookTunnel\.exchange$/);
    // The title follows once the webview has loaded the call.
    await until('the panel title', () => /POST \/hooks\/github/.test(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '') || undefined);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('replays a call through the proxy, recorded as a new call linked to its original, and copies it as cURL', async () => {
    const { historyTree } = await api();
    const original = historyTree.getChildren().find((e) => e.request.url === '/hooks/github?delivery=1')!;
    const before = received.length;
    await vscode.commands.executeCommand('webhookTunnel.replay', original);
    const replayed = await until('the replay in the tree', () => historyTree.getChildren().find((e) => e.replayOf === original.id));
    assert.equal(received.length, before + 1);
    assert.equal(received.at(-1), received[before - 1]);
    assert.equal(historyTree.getChildren()[0]?.id, replayed.id);
    const item = historyTree.getTreeItem(replayed);
    assert.match(String(item.description), /^↻ replay · 202 · just now$/);
    assert.equal(item.contextValue, 'exchange:replay');
    assert.match((item.tooltip as vscode.MarkdownString).value, /Replay of \| POST \/hooks\/github\?delivery=1/);

    await vscode.commands.executeCommand('webhookTunnel.copyAsCurl', original);
    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /^curl --silent --show-error 'http:\/\/127\.0\.0\.1:\d+\/hooks\/github\?delivery=1' -H 'Content-Type: application\/json' -H 'X-GitHub-Event: pull_request' /);
    assert.match(curl, / --data-binary '\{"action":"opened","marker":"integration-\d+"\}'$/);
  });

  it('compares a replay with its original in the diff editor, and filters the history down to them', async () => {
    const { historyTree } = await api();
    const replayed = historyTree.getChildren().find((e) => e.replayOf !== undefined)!;
    await vscode.commands.executeCommand('webhookTunnel.compareWithOriginal', replayed);
    await until('the diff editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff || undefined);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab!;
    assert.match(tab.label, /POST \/hooks\/github: original ↔ replay/);
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.query, replayed.replayOf);
    assert.equal(input.modified.query, replayed.id);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const all = historyTree.getChildren().length;
    historyTree.setFilter(parseHistoryFilter(`replays:${replayed.replayOf}`));
    assert.deepEqual(historyTree.getChildren().map((e) => e.id).sort(), [replayed.id, replayed.replayOf].sort());
    historyTree.setFilter(undefined);
    assert.equal(historyTree.getChildren().length, all);
  });

  it('captures a call to a dev server that is down, with the 502 explanation', async () => {
    const { tunnel, historyTree } = await api();
    const down = createServer();
    const downPort = await listen(down);
    down.close();
    await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
    await vscode.workspace.getConfiguration('webhookTunnel').update('upstream', String(downPort), vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    assert.equal(tunnel.state.kind, 'on');
    const url = tunnel.state.kind === 'on' ? tunnel.state.url : '';

    const response = await post(`${url}/down`, '{"ping":1}');
    assert.equal(response.status, 502);
    assert.match(response.body, new RegExp(`could not reach the dev server at http://localhost:${downPort}`));
    const failed = await until('the failed call in the tree', () => historyTree.getChildren().find((e) => e.request.url === '/down'));
    const item = historyTree.getTreeItem(failed);
    assert.match(String(item.description), /^502 dev server down · /);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'debug-disconnect');
    await vscode.workspace.getConfiguration('webhookTunnel').update('upstream', `localhost:${devPort}`, vscode.ConfigurationTarget.Global);
  });

  it('stops: the address no longer answers and the state is off', async () => {
    const { tunnel } = await api();
    const state = tunnel.state;
    assert.equal(state.kind, 'on');
    await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
    assert.equal(tunnel.state.kind, 'off');
    await assert.rejects(post(`${state.kind === 'on' ? state.url : ''}/after-stop`, '{}'), /ECONNREFUSED/);
  });
});
