import assert from 'node:assert/strict';
import { describeNgrokError } from '../../../src/core/tunnel/ngrokErrors';

/** Shaped like the SDK's rejections: a plain Error with the code in `errorCode` and at the end of the message. */
function sdkError(message: string, code?: string): Error {
  return Object.assign(new Error(code ? `${message} error_code: ${code}` : message), code ? { errorCode: code } : {});
}

describe('ngrok errors become fixes', () => {
  const context = { serverAddr: 'connect.ngrok-agent.com:443', domain: 'my-app.ngrok.app' };

  it('maps account and token refusals to a button and no automatic retry', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['ERR_NGROK_105', 'setAuthtoken', /rejected the authtoken.*\(ERR_NGROK_105\)$/],
      ['ERR_NGROK_107', 'setAuthtoken', /rejected the authtoken/],
      ['ERR_NGROK_4018', 'setAuthtoken', /verified account/],
      ['ERR_NGROK_108', 'retry', /free plan allows 3 at once/],
      ['ERR_NGROK_121', 'updateExtension', /Update the Webhook Tunnel extension/],
      ['ERR_NGROK_120', 'updateExtension', /no longer accepts/],
      ['ERR_NGROK_324', 'openDashboard', /no room for another online endpoint/],
      ['ERR_NGROK_334', 'enablePooling', /my-app\.ngrok\.app is already online.*enable pooling/],
    ];
    for (const [code, fix, message] of cases) {
      const problem = describeNgrokError(sdkError('failed to connect session: refused', code), context);
      assert.equal(problem.code, code);
      assert.equal(problem.fix, fix, code);
      assert.equal(problem.retryable, false, code);
      assert.match(problem.message, message, code);
    }
  });

  it('finds the code in the message when the property is missing, and keeps the SDK text as detail', () => {
    const problem = describeNgrokError(new Error('failed to start listener: nope error_code: ERR_NGROK_8012'), context);
    assert.equal(problem.code, 'ERR_NGROK_8012');
    assert.equal(problem.fix, 'openUpstreamSetting');
    assert.equal(problem.detail, 'failed to start listener: nope error_code: ERR_NGROK_8012');
  });

  it('names the server for transport failures and the CA setting for TLS failures', () => {
    const transport = describeNgrokError(new Error('failed to connect session: failed to establish tcp connection'), context);
    assert.equal(transport.code, undefined);
    assert.equal(transport.retryable, true);
    assert.match(transport.message, /Could not reach ngrok at connect\.ngrok-agent\.com:443/);
    const tls = describeNgrokError(new Error('failed to connect session: tls handshake error'), context);
    assert.equal(tls.fix, 'openCaSetting');
    assert.match(tls.message, /webhookTunnel\.ngrok\.caCertificate/);
    const withCa = describeNgrokError(new Error('failed to connect session: tls handshake error'), { ...context, caCertificate: '/etc/corp-ca.pem' });
    assert.match(withCa.message, /not signed by the CA in \/etc\/corp-ca\.pem/);
  });
});
