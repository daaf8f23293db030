import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WebhookTunnelApi } from '../../src/extension';
import type { LocalEdge } from '../edge/localEdge';
import { publicRequest, waitUntil } from '../unit/edge/sdkHarness';
import { useLocalEdge } from './localEdgeSetup';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

/** Protections as Traffic Policy: the TOML file, settings and the live re-listen, checked at the local edge. */
describe('Protections reach the edge as Traffic Policy (extension host, real SDK)', function () {
  this.timeout(60_000);
  const password = `pw-${Date.now()}-secret`;
  const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const tomlPath = join(folder, 'webhook-tunnel.toml');
  const config = () => vscode.workspace.getConfiguration('webhookTunnel');
  const devServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  let edge: LocalEdge;
  let local: Awaited<ReturnType<typeof useLocalEdge>>;
  let api: WebhookTunnelApi;
  const lastPolicy = (): { on_http_request?: Array<{ actions: Array<{ type: string; config?: Record<string, unknown> }> }> } => {
    const text = edge.records.binds.at(-1)?.request.Opts.TrafficPolicy;
    return typeof text === 'string' && text !== '' ? JSON.parse(text) : {};
  };
  const actionTypes = (): string[] => (lastPolicy().on_http_request ?? []).flatMap((rule) => rule.actions.map((a) => a.type));

  before(async () => {
    api = await vscode.extensions.getExtension<WebhookTunnelApi>('webhooktunnel.webhook-tunnel')!.activate();
    local = await useLocalEdge(devServer, ['ipRestrictions.enabled', 'ipRestrictions.allow', 'webhookVerification.provider']);
    edge = local.edge;
    process.env.WT_TEST_PASSWORD = password;
  });

  after(async () => {
    await local.restore();
    rmSync(tomlPath, { force: true });
    delete process.env.WT_TEST_PASSWORD;
    delete process.env.WT_TEST_WEBHOOK_SECRET;
  });

  it('sends basic-auth from webhook-tunnel.toml (password from ${ENV}), and the edge enforces it', async () => {
    writeFileSync(tomlPath, '[tunnel.ngrok]\nbasic_auth = ["dev:${WT_TEST_PASSWORD}"]\n');
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    const state = api.tunnel.state;
    assert.equal(state.kind, 'on', JSON.stringify(state));
    assert.deepEqual(actionTypes(), ['basic-auth']);
    assert.deepEqual(lastPolicy().on_http_request![0]!.actions[0]!.config?.credentials, [`dev:${password}`]);
    const url = edge.publicUrl(state.kind === 'on' ? state.url : '');
    assert.equal((await publicRequest(`${url}/hook`, { method: 'POST', body: Buffer.from('{}') })).status, 401);
    const auth = `Basic ${Buffer.from(`dev:${password}`).toString('base64')}`;
    assert.equal((await publicRequest(`${url}/hook`, { method: 'POST', rawHeaders: ['Authorization', auth], body: Buffer.from('{}') })).status, 200);
  });

  it('re-listens at once, same URL, when IP restrictions are turned on in settings', async () => {
    const before = api.tunnel.state;
    const binds = edge.records.binds.length;
    await config().update('ipRestrictions.allow', ['10.0.0.0/8'], vscode.ConfigurationTarget.Global);
    await config().update('ipRestrictions.enabled', true, vscode.ConfigurationTarget.Global);
    await waitUntil(() => edge.records.binds.length > binds && actionTypes().includes('restrict-ips'), 'a Bind with restrict-ips', 10_000);
    assert.deepEqual(actionTypes(), ['restrict-ips', 'basic-auth']);
    const after = api.tunnel.state;
    assert.ok(before.kind === 'on' && after.kind === 'on' && after.url === before.url, 'same URL');
    // 127.0.0.1 is not in 10.0.0.0/8.
    const url = edge.publicUrl(after.kind === 'on' ? after.url : '');
    assert.equal((await publicRequest(`${url}/hook`, { method: 'POST', body: Buffer.from('{}') })).status, 403);
  });

  it('adds verify-webhook from the file (secret from ${ENV}) to the policy of the running tunnel', async () => {
    const binds = edge.records.binds.length;
    process.env.WT_TEST_WEBHOOK_SECRET = `${password}-webhook`;
    writeFileSync(tomlPath, '[tunnel.ngrok]\nbasic_auth = ["dev:${WT_TEST_PASSWORD}"]\n\n[tunnel.ngrok.verify_webhook]\nprovider = "github"\nsecret = "${WT_TEST_WEBHOOK_SECRET}"\n');
    await waitUntil(() => edge.records.binds.length > binds && actionTypes().includes('verify-webhook'), 'a Bind with verify-webhook', 10_000);
    assert.deepEqual(actionTypes(), ['restrict-ips', 'basic-auth', 'verify-webhook']);
    const verify = lastPolicy().on_http_request![0]!.actions.find((a) => a.type === 'verify-webhook')!;
    assert.deepEqual(verify.config, { provider: 'github', secret: `${password}-webhook`, enforce: true });
  });

  it('keeps the last good configuration when the file breaks, with the error in the Problems panel', async () => {
    const binds = edge.records.binds.length;
    writeFileSync(tomlPath, '[tunnel.ngrok]\nbasic_auth = ["dev:${WT_TEST_PASSWORD}"\n');
    const uri = vscode.Uri.file(tomlPath);
    await waitUntil(() => vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error), 'a diagnostic on the TOML file', 10_000);
    const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    assert.equal(diagnostic.source, 'Webhook Tunnel');
    assert.ok(diagnostic.range.start.line >= 1, `line ${diagnostic.range.start.line}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(edge.records.binds.length, binds, 'no re-listen with a broken file');
    assert.equal(api.tunnel.state.kind, 'on');
    writeFileSync(tomlPath, '[tunnel.ngrok]\nbasic_auth = ["dev:${WT_TEST_PASSWORD}"]\n');
    await waitUntil(() => vscode.languages.getDiagnostics(uri).length === 0, 'the diagnostic to clear', 10_000);
  });

  it('refuses to start with a protection that cannot be applied, saying why', async () => {
    await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
    await config().update('webhookVerification.provider', 'stripe', vscode.ConfigurationTarget.Global);
    const binds = edge.records.binds.length;
    await vscode.commands.executeCommand('webhookTunnel.startTunnel');
    assert.equal(api.tunnel.state.kind, 'off', 'not started without the Stripe secret');
    assert.equal(edge.records.binds.length, binds);
    await config().update('webhookVerification.provider', undefined, vscode.ConfigurationTarget.Global);
  });

  it('never writes a secret to settings or the log', async () => {
    const settingsFiles = [join(folder, '.vscode', 'settings.json')].filter(existsSync);
    for (const file of [...settingsFiles, ...filesUnder(api.logDir)]) assert.doesNotMatch(readFileSync(file, 'utf8'), new RegExp(password), file);
    assert.ok(filesUnder(api.logDir).length > 0, 'the log was written');
  });
});
