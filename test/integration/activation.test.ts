import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'webhooktunnel.webhook-tunnel';

interface ContributedCommand {
  command: string;
  title: string;
}
interface MenuItem {
  command: string;
  when?: string;
}

function getExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension;
}

describe('activation', () => {
  it('loads the extension under development', () => {
    const extension = getExtension();
    assert.equal(extension.packageJSON.publisher, 'webhooktunnel');
    assert.equal(extension.packageJSON.name, 'webhook-tunnel');
  });

  it('activates without error', async () => {
    const extension = getExtension();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command the command palette offers', async () => {
    const extension = getExtension();
    await extension.activate();
    const contributes = extension.packageJSON.contributes as { commands?: ContributedCommand[]; menus?: { commandPalette?: MenuItem[] } };
    const hidden = new Set((contributes.menus?.commandPalette ?? []).filter((item) => item.when?.trim() === 'false').map((item) => item.command));
    const offered = (contributes.commands ?? []).map((c) => c.command).filter((id) => !hidden.has(id));
    assert.ok(offered.length > 0, 'package.json contributes no palette commands');

    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = offered.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
