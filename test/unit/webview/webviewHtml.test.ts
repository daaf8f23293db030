import assert from 'node:assert/strict';
import { buildWebviewHtml, createNonce } from '../../../src/panels/webviewHtml';

const resources = {
  cspSource: 'https://*.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
};

function csp(html: string): Map<string, string> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'no CSP meta tag');
  return new Map(content.split(';').map((directive) => {
    const [name, ...values] = directive.trim().split(/\s+/);
    return [name!, values.join(' ')];
  }));
}

describe('webview HTML', () => {
  it('has a strict CSP: nothing by default, scripts only with the nonce, the rest only from the extension', () => {
    const html = buildWebviewHtml(resources, 'bm9uY2Vub25jZW5vbmNl');
    const policy = csp(html);
    assert.deepEqual([...policy.keys()], ['default-src', 'script-src', 'style-src', 'font-src', 'img-src']);
    assert.equal(policy.get('default-src'), "'none'");
    assert.equal(policy.get('script-src'), "'nonce-bm9uY2Vub25jZW5vbmNl'");
    assert.equal(policy.get('style-src'), resources.cspSource);
    assert.equal(policy.get('font-src'), resources.cspSource);
    assert.equal(policy.get('img-src'), `${resources.cspSource} data:`);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic/);
  });

  it('uses a fresh random nonce on every build', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => csp(buildWebviewHtml(resources)).get('script-src')));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce!, /^'nonce-[A-Za-z0-9+/]{22}==?'$/);
    assert.notEqual(createNonce(), createNonce());
  });

  it('loads every script and stylesheet from webview URIs, scripts with the nonce, and has no inline script or style', () => {
    const html = buildWebviewHtml(resources);
    const nonce = /'nonce-([^']+)'/.exec(csp(html).get('script-src')!)![1];
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, new RegExp(`\\bnonce="${nonce!.replace(/[+/]/g, '\\$&')}"`));
      assert.match(attributes!, /\bsrc="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\//);
      assert.equal(body, '', 'inline script');
    }
    const links = [...html.matchAll(/<link\b([^>]*)>/g)];
    assert.equal(links.length, 1);
    assert.match(links[0]![1]!, /\bhref="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/webview\.css"/);
    assert.doesNotMatch(html, /<style\b|\bstyle="|\bon\w+="|javascript:/i);
    assert.doesNotMatch(html, /vscode-resource:/, 'the legacy scheme');
  });

  it('escapes resource addresses into attributes', () => {
    const html = buildWebviewHtml({ ...resources, scriptUri: 'https://x.vscode-cdn.net/a"><script>alert(1)</script>' });
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.match(html, /a&quot;&gt;&lt;script&gt;/);
  });
});
