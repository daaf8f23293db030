import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { withFallback } from './permissive';
import { workspaceFs } from './fakeWorkspaceFs';
import { CancellationTokenSource, Disposable, EventEmitter, FileSystemError, MarkdownString, ThemeColor, ThemeIcon, TreeItem, Uri, enums } from './fakeVscodeTypes';

/**
 * Enough of the `vscode` module for `activate()` to run in plain Node: what an extension reads at activation
 * (configuration, workspace folders, commands) behaves for real; everything else is a permissive stand-in,
 * so the figure is the extension's own work, not VS Code's.
 */
export interface FakeVscode {
  readonly module: object;
  readonly registeredCommands: ReadonlyMap<string, unknown>;
}

const noEvent = (): Disposable => new Disposable();

/** Setting defaults from package.json, as VS Code serves them when the user has set nothing. */
function contributedDefaults(packageJson: { contributes?: { configuration?: { properties?: Record<string, { default?: unknown }> } } }): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  for (const [key, property] of Object.entries(packageJson.contributes?.configuration?.properties ?? {})) defaults.set(key, property.default);
  return defaults;
}

function configuration(defaults: ReadonlyMap<string, unknown>, section: string | undefined): object {
  const full = (key: string): string => (section ? `${section}.${key}` : key);
  return withFallback({
    get: (key: string, fallback?: unknown) => (defaults.has(full(key)) ? defaults.get(full(key)) : fallback),
    has: (key: string) => defaults.has(full(key)),
    inspect: (key: string) => ({ key: full(key), defaultValue: defaults.get(full(key)) }),
    update: async () => {},
  });
}

function localize(message: string | { message: string; args?: unknown[] }, ...args: unknown[]): string {
  const text = typeof message === 'string' ? message : message.message;
  const values = typeof message === 'string' ? args : (message.args ?? []);
  const named = values.length === 1 && typeof values[0] === 'object' && values[0] !== null ? (values[0] as Record<string, unknown>) : undefined;
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => String(named?.[key] ?? values[Number(key)] ?? whole));
}

export function createFakeVscode(extensionRoot: string, workspaceDir: string): FakeVscode {
  const packageJson = JSON.parse(readFileSync(join(extensionRoot, 'package.json'), 'utf8')) as Record<string, unknown> & Parameters<typeof contributedDefaults>[0];
  const defaults = contributedDefaults(packageJson);
  const registeredCommands = new Map<string, unknown>();
  const register = (id: string, handler: unknown): Disposable => {
    registeredCommands.set(id, handler);
    return new Disposable(() => registeredCommands.delete(id));
  };
  const folder = { uri: Uri.file(workspaceDir), name: basename(workspaceDir), index: 0 };
  const nothing = async (): Promise<undefined> => undefined;

  const module = withFallback({
    version: '1.90.0',
    ...enums,
    Disposable,
    EventEmitter,
    Uri,
    ThemeIcon,
    ThemeColor,
    TreeItem,
    MarkdownString,
    CancellationTokenSource,
    FileSystemError,
    commands: withFallback({
      registerCommand: register,
      registerTextEditorCommand: register,
      executeCommand: nothing,
      getCommands: async () => [...registeredCommands.keys()],
    }),
    window: withFallback({
      showInformationMessage: nothing,
      showWarningMessage: nothing,
      showErrorMessage: nothing,
      showQuickPick: nothing,
      showInputBox: nothing,
      activeTextEditor: undefined,
      visibleTextEditors: [],
      state: { focused: true, active: true },
      registerTreeDataProvider: () => new Disposable(),
      registerWebviewViewProvider: () => new Disposable(),
      registerUriHandler: () => new Disposable(),
      withProgress: (_options: unknown, task: (progress: unknown, token: unknown) => unknown) => task({ report: () => {} }, new CancellationTokenSource().token),
    }),
    workspace: withFallback({
      workspaceFolders: [folder],
      name: folder.name,
      rootPath: workspaceDir,
      isTrusted: true,
      getWorkspaceFolder: () => folder,
      getConfiguration: (section?: string) => configuration(defaults, section),
      onDidChangeConfiguration: noEvent,
      onDidChangeWorkspaceFolders: noEvent,
      onDidGrantWorkspaceTrust: noEvent,
      onDidSaveTextDocument: noEvent,
      findFiles: async () => [],
      fs: withFallback(workspaceFs),
    }),
    env: withFallback({
      appName: 'Visual Studio Code',
      appHost: 'desktop',
      language: 'en',
      machineId: 'bench-machine',
      sessionId: 'bench-session',
      uriScheme: 'vscode',
      remoteName: undefined,
      uiKind: enums.UIKind.Desktop,
      isTelemetryEnabled: false,
      onDidChangeTelemetryEnabled: noEvent,
      clipboard: { readText: async () => '', writeText: async () => {} },
      openExternal: async () => true,
      asExternalUri: async (uri: Uri) => uri,
    }),
    extensions: withFallback({ all: [], getExtension: () => undefined, onDidChange: noEvent }),
    languages: withFallback({ getDiagnostics: () => [] }),
    l10n: withFallback({ t: localize, bundle: undefined, uri: undefined }),
  });
  return { module, registeredCommands };
}
