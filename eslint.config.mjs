import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'webview-ui/src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: '@ngrok/ngrok', message: 'Only src/core/tunnel/ngrokSdk.ts may load the SDK, lazily.' }] }],
    },
  },
  {
    // The core and the webview protocol run in plain Node (and the browser): keep VS Code out.
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core and src/shared must stay free of VS Code; adapt in src/ feature folders.' },
          { name: '@ngrok/ngrok', message: 'Only src/core/tunnel/ngrokSdk.ts may load the SDK, lazily.' },
        ],
      }],
    },
  },
  {
    // The one door to the native SDK (loaded lazily, with a clear error when the binary is missing).
    files: ['src/core/tunnel/ngrokSdk.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must stay free of VS Code.' }] }],
    },
  },
);
