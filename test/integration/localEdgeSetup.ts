import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LocalEdge } from '../edge/localEdge';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('webhookTunnel');

/**
 * Points this extension host at a fresh local edge and `devServer`, as a user would: upstream, server address and
 * CA file in the user settings, the authtoken in NGROK_AUTHTOKEN (this process is the extension host).
 * `restore` puts back every setting it or the suite changed (`alsoChanged`) and closes both servers.
 */
export async function useLocalEdge(devServer: Server, alsoChanged: readonly string[] = []): Promise<{ edge: LocalEdge; restore(): Promise<void> }> {
  const edge = await LocalEdge.start();
  const caPath = join(mkdtempSync(join(tmpdir(), 'wt-ca-')), 'edge-ca.pem');
  writeFileSync(caPath, edge.caPem);
  await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
  await config().update('upstream', `127.0.0.1:${(devServer.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
  await config().update('ngrok.serverAddr', edge.serverAddr, vscode.ConfigurationTarget.Global);
  await config().update('ngrok.caCertificate', caPath, vscode.ConfigurationTarget.Global);
  process.env.NGROK_AUTHTOKEN = 'integration-test-token';
  return {
    edge,
    restore: async () => {
      await vscode.commands.executeCommand('webhookTunnel.stopTunnel');
      delete process.env.NGROK_AUTHTOKEN;
      for (const key of ['upstream', 'ngrok.serverAddr', 'ngrok.caCertificate', ...alsoChanged]) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      devServer.close();
      await edge.close();
    },
  };
}
