import assert from 'node:assert/strict';
import type { ConfigProblem } from '../../../src/core/config/configProblem';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';

const FILE = '/ws/webhook-tunnel.toml';
const lines = (...text: string[]): string => `${text.join('\n')}\n`;
const read = (text: string, env: NodeJS.ProcessEnv = {}) => readTunnelToml(text, FILE, env);

/** The parts of a problem a test cares about, so one deepEqual checks severity, position and text. */
const brief = (problem: ConfigProblem): [string, number, number, string] => [problem.severity, problem.line, problem.column, problem.message];

describe('readTunnelToml', () => {
  it('reads a complete file, interpolating ${ENV} and normalising CIDRs', () => {
    const { config, problems } = read(
      lines(
        '[tunnel]',
        'backend = "ngrok"',
        'local_addr = "127.0.0.1:8080"',
        'startup_timeout_secs = 20',
        '',
        '[tunnel.ngrok]',
        'authtoken = "${NGROK_AUTHTOKEN}"',
        'region = "eu"',
        'domain = "my-app.ngrok-free.app"',
        'metadata = "dev box"',
        'inspect = false',
        'log_level = "debug"',
        'basic_auth = ["dev:${PW}", "ops:${PW}-2"]',
        'circuit_breaker = 0.25',
        'compression = true',
        'pooling_enabled = true',
        'server_addr = "edge.test:4443"',
        'ca_certificate = "certs/ca.pem"',
        'traffic_policy_file = "policy.json"',
        'heartbeat_interval_secs = 5',
        'heartbeat_tolerance_secs = 20',
        '',
        '[tunnel.ngrok.ip_restrictions]',
        'allow_cidrs = ["140.82.112.0/20", "2606:50C0::/32"]',
        'deny_cidrs = ["140.82.115.0/24"]',
        '',
        '[tunnel.ngrok.verify_webhook]',
        'provider = "GitHub"',
        'secret = "${GH_SECRET}"',
      ),
      { NGROK_AUTHTOKEN: 'tok', PW: 'correcthorse', GH_SECRET: 'It\'s a Secret to Everybody' },
    );
    assert.deepEqual(problems, []);
    assert.equal(config.file, FILE);
    assert.equal(config.backend?.value, 'ngrok');
    assert.equal(config.localAddr?.value, '127.0.0.1:8080');
    assert.equal(config.startupTimeoutSecs?.value, 20);
    assert.deepEqual(config.authtoken, { value: 'tok', key: 'tunnel.ngrok.authtoken', span: { line: 7, column: 13, endLine: 7, endColumn: 33 } });
    assert.equal(config.region?.value, 'eu');
    assert.equal(config.domain?.value, 'my-app.ngrok-free.app');
    assert.equal(config.metadata?.value, 'dev box');
    assert.equal(config.inspect?.value, false);
    assert.equal(config.logLevel?.value, 'debug');
    assert.deepEqual(config.basicAuth?.value.map((entry) => [entry.value, entry.key, entry.span.line, entry.span.column]), [
      [{ username: 'dev', password: 'correcthorse' }, 'tunnel.ngrok.basic_auth[0]', 13, 15],
      [{ username: 'ops', password: 'correcthorse-2' }, 'tunnel.ngrok.basic_auth[1]', 13, 28],
    ]);
    assert.equal(config.circuitBreaker?.value, 0.25);
    assert.equal(config.compression?.value, true);
    assert.equal(config.poolingEnabled?.value, true);
    assert.equal(config.serverAddr?.value, 'edge.test:4443');
    assert.equal(config.caCertificate?.value, 'certs/ca.pem');
    assert.equal(config.trafficPolicyFile?.value, 'policy.json');
    assert.equal(config.heartbeatIntervalSecs?.value, 5);
    assert.equal(config.heartbeatToleranceSecs?.value, 20);
    assert.deepEqual(config.ipRestrictions?.value.allow.map((entry) => entry.value), ['140.82.112.0/20', '2606:50c0::/32']);
    assert.deepEqual(config.ipRestrictions?.value.deny.map((entry) => [entry.value, entry.span.line, entry.span.column]), [['140.82.115.0/24', 25, 15]]);
    assert.equal(config.verifyWebhook?.value.provider?.value, 'github');
    assert.equal(config.verifyWebhook?.value.secret?.value, 'It\'s a Secret to Everybody');
  });

  it('reads an empty file as "nothing set", and PRX\'s empty defaults as off', () => {
    assert.deepEqual(read(''), { config: { file: FILE }, problems: [] });
    const { config, problems } = read(lines('[tunnel.ngrok]', 'authtoken = ""', 'basic_auth = ""', 'ip_restrictions = []'));
    assert.deepEqual(problems, []);
    assert.equal(config.authtoken, undefined);
    assert.equal(config.basicAuth, undefined);
    assert.equal(config.ipRestrictions, undefined);
  });

  it('accepts PRX\'s forms: basic_auth as one string, ip_restrictions as an allow list', () => {
    const { config, problems } = read(lines('[tunnel.ngrok]', 'basic_auth = "dev:${PW}"', 'ip_restrictions = ["203.0.113.0/24"]'), { PW: 'abcdefgh' });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.basicAuth?.value.map((entry) => entry.value), [{ username: 'dev', password: 'abcdefgh' }]);
    assert.deepEqual(config.ipRestrictions?.value, { allow: [{ value: '203.0.113.0/24', key: 'tunnel.ngrok.ip_restrictions[0]', span: { line: 3, column: 20, endLine: 3, endColumn: 36 } }], deny: [] });
  });

  it('reports invalid TOML with file, line, column and reason', () => {
    const { config, problems } = read(lines('[tunnel]', 'backend = = "ngrok"'));
    assert.deepEqual(config, { file: FILE });
    assert.deepEqual(problems, [{ severity: 'error', message: 'Invalid TOML: Invalid value.', line: 2, column: 11, endLine: 2, endColumn: 12, file: FILE }]);
    const unclosed = read(lines('[tunnel.ngrok]', 'region = "eu'));
    assert.deepEqual(unclosed.problems.map(brief), [['error', 2, 13, 'Invalid TOML: Control characters are not allowed in strings.']]);
  });

  it('rejects an unknown key, suggesting the intended one', () => {
    const { problems } = read(lines('[tunnel.ngrok]', 'regoin = "eu"', 'auth_token = "x"', 'startup_timeout_secs = 5', 'url = "https://x.ngrok.app"'));
    assert.deepEqual(problems.map(brief), [
      ['error', 2, 1, 'Unknown key "regoin" in [tunnel.ngrok]. Did you mean "region"?'],
      ['error', 3, 1, 'Unknown key "auth_token" in [tunnel.ngrok]: the key is authtoken.'],
      ['error', 4, 1, 'Unknown key "startup_timeout_secs" in [tunnel.ngrok]: it belongs in [tunnel].'],
      ['error', 5, 1, 'Unknown key "url" in [tunnel.ngrok]: ngrok\'s --url is domain here: domain = "my-app.ngrok-free.app" (without https://).'],
    ]);
    assert.deepEqual(problems[0]!.endColumn, 7);
    assert.equal(problems[0]!.key, 'tunnel.ngrok.regoin');
    assert.equal(problems[0]!.file, FILE);
    const topLevel = read(lines('[ngrok]', 'region = "eu"', '[server]', 'port = 1'));
    assert.deepEqual(topLevel.problems.map(brief), [
      ['error', 1, 2, 'Unknown key "ngrok" at the top level: it belongs in [tunnel].'],
      ['error', 3, 2, 'Unknown key "server" at the top level. The file has one table, [tunnel].'],
    ]);
  });

  it('rejects wrong types at the value', () => {
    const { problems } = read(lines('[tunnel]', 'startup_timeout_secs = 30.5', '[tunnel.ngrok]', 'inspect = "no"', 'region = 5', 'basic_auth = ["dev:correcthorse", 42]', 'verify_webhook = "github"'));
    assert.deepEqual(problems.map(brief), [
      ['error', 2, 24, 'tunnel.startup_timeout_secs must be an integer, not a float (30.5).'],
      ['error', 4, 11, 'tunnel.ngrok.inspect must be a boolean (true or false), not a string ("no").'],
      ['error', 5, 10, 'tunnel.ngrok.region must be a string, not an integer (5).'],
      ['error', 6, 35, 'tunnel.ngrok.basic_auth must hold strings only; item 2 is an integer.'],
      ['error', 7, 18, 'tunnel.ngrok.verify_webhook must be a table, not a string ("github").'],
    ]);
  });

  it('rejects values out of range or not in the list', () => {
    const { problems } = read(lines('[tunnel.ngrok]', 'circuit_breaker = 1.5', 'region = "euu"', 'log_level = "verbose"', 'heartbeat_interval_secs = 0', 'domain = "https://my-app.ngrok-free.app"', 'server_addr = "https://edge:443"'));
    assert.deepEqual(problems.map(brief), [
      ['error', 2, 19, 'tunnel.ngrok.circuit_breaker must be between 0 and 1 (it is 1.5).'],
      ['error', 3, 10, '"euu" is not an ngrok region. Did you mean "eu"? Use one of: us, us-cal-1, eu, ap, au, sa, jp, in.'],
      ['error', 4, 13, '"verbose" is not a log level. Use one of: debug, info, warn, error.'],
      ['error', 5, 27, 'tunnel.ngrok.heartbeat_interval_secs must be at least 1 (it is 0).'],
      ['error', 6, 10, 'tunnel.ngrok.domain must be a host name such as my-app.ngrok-free.app, without https:// or a path (it is "https://my-app.ngrok-free.app").'],
      ['error', 7, 15, 'tunnel.ngrok.server_addr must be host:port, such as connect.ngrok-agent.com:443, without a scheme (it is "https://edge:443").'],
    ]);
  });

  it('rejects a dev server address the capture proxy cannot use', () => {
    const { config, problems } = read(lines('[tunnel]', 'local_addr = "ftp://localhost:21"'));
    assert.equal(config.localAddr, undefined);
    assert.deepEqual(problems.map(brief), [['error', 2, 14, 'tunnel.local_addr: "ftp://localhost:21" uses ftp; the dev server must be http or https. Use a port (3000), host:port (localhost:3000) or a URL (http://localhost:3000).']]);
  });

  it('rejects invalid CIDRs at the item, and notes the ones it normalised', () => {
    const { config, problems } = read(lines('[tunnel.ngrok]', 'ip_restrictions = { allow_cidrs = [', '  "10.0.0.0/33",', '  "203.0.113.7",', '  "10.0.0.1/8",', '], deny_cidrs = ["::1/200"] }'));
    assert.deepEqual(problems.map(brief), [
      ['error', 3, 3, '"10.0.0.0/33" is not a valid CIDR: prefix must be 0–32 for IPv4.'],
      ['info', 4, 3, '"203.0.113.7" is a single address; ngrok wants a CIDR, so it is used as 203.0.113.7/32.'],
      ['warning', 5, 3, '"10.0.0.1/8" has bits set past its /8 prefix; it means the whole range 10.0.0.0/8, which is used (write 10.0.0.1/32 for that one address).'],
      ['error', 6, 18, '"::1/200" is not a valid CIDR: prefix must be 0–128 for IPv6.'],
    ]);
    assert.equal(problems[0]!.key, 'tunnel.ngrok.ip_restrictions.allow_cidrs');
    // Still present, so an all-invalid list can't read as "no restriction".
    assert.deepEqual(config.ipRestrictions?.value.allow.map((entry) => entry.value), ['203.0.113.7/32', '10.0.0.0/8']);
    assert.deepEqual(config.ipRestrictions?.value.deny, []);
  });

  it('rejects short passwords, entries without a colon and more than 10 credentials, never echoing a password', () => {
    const { config, problems } = read(lines('[tunnel.ngrok]', 'basic_auth = ["dev:short", "nocolonsecret", ":${PW}"]'), { PW: 'longenough' });
    assert.deepEqual(problems.map(brief), [
      ['error', 2, 15, 'tunnel.ngrok.basic_auth: the password for "dev" is 5 characters; ngrok requires 8–128.'],
      ['info', 2, 15, 'tunnel.ngrok.basic_auth holds a secret written in this file; put it in an environment variable and write "${WEBHOOK_TUNNEL_PASSWORD}" so it stays out of version control.'],
      ['error', 2, 28, 'tunnel.ngrok.basic_auth entries must be "user:password"; entry 2 has no ":".'],
      ['error', 2, 45, 'tunnel.ngrok.basic_auth: the user name is empty.'],
    ]);
    assert.ok(problems.every((problem) => !/short|nocolonsecret|longenough/.test(problem.message.replace('"dev"', ''))));
    assert.deepEqual(config.basicAuth?.value, []);
    const eleven = Array.from({ length: 11 }, (_, index) => `"u${index}:\${PW}"`).join(', ');
    const many = read(lines('[tunnel.ngrok]', `basic_auth = [${eleven}]`), { PW: 'longenough' });
    assert.deepEqual(many.problems.map(brief), [['error', 2, 15 + 10 * '"u0:${PW}", '.length, 'Basic auth has 11 credentials; ngrok allows at most 10.']]);
  });

  it('rejects an unknown webhook provider, suggesting one', () => {
    const { problems } = read(lines('[tunnel.ngrok.verify_webhook]', 'provider = "githib"', 'secret = "${S}"'), { S: 'x' });
    assert.deepEqual(problems.map(brief), [['error', 2, 12, '"githib" is not a webhook provider ngrok can verify. Did you mean "github" (GitHub)?']]);
  });

  it('warns about a provider without a secret (it may still come from secret storage)', () => {
    const { config, problems } = read(lines('[tunnel.ngrok.verify_webhook]', 'provider = "stripe"'));
    assert.deepEqual(problems.map(brief), [['warning', 2, 12, 'Webhook verification for stripe has no secret here: add secret = "${WEBHOOK_SECRET}" or store one with "Verify Webhooks From…". The tunnel won\'t start without one.']]);
    assert.equal(config.verifyWebhook?.value.provider?.value, 'stripe');
    assert.deepEqual(read(lines('[tunnel.ngrok.verify_webhook]', 'provider = "sns"')).problems, []);
  });

  it('rejects a secret without a provider', () => {
    const { problems } = read(lines('[tunnel.ngrok]', 'verify_webhook = { secret = "${S}" }'), { S: 'x' });
    assert.deepEqual(problems.map(brief), [['error', 2, 29, 'tunnel.ngrok.verify_webhook.secret is set but provider is not: add provider = "github" (or the id of the service that signs your webhooks).']]);
  });

  it('rejects an unset ${VAR}, pointing at the reference and naming the variable', () => {
    const { config, problems } = read(lines('[tunnel.ngrok]', 'authtoken = "${NGROK_AUTHTOKEN}"', 'basic_auth = ["dev:${MISSING_PW}"]'));
    assert.deepEqual(problems.map(brief), [
      ['error', 2, 14, 'Environment variable NGROK_AUTHTOKEN is not set (tunnel.ngrok.authtoken uses ${NGROK_AUTHTOKEN}). Set it where VS Code starts, or write the value here.'],
      ['error', 3, 20, 'Environment variable MISSING_PW is not set (tunnel.ngrok.basic_auth uses ${MISSING_PW}). Set it where VS Code starts, or write the value here.'],
    ]);
    assert.equal(problems[0]!.endColumn, 14 + '${NGROK_AUTHTOKEN}'.length);
    assert.equal(config.authtoken, undefined);
  });

  it('rejects a backend other than ngrok', () => {
    const { config, problems } = read(lines('[tunnel]', 'backend = "cloudflare"'));
    assert.equal(config.backend, undefined);
    assert.deepEqual(problems.map(brief), [['error', 2, 11, 'backend = "cloudflare" is not supported: Webhook Tunnel only tunnels through ngrok (the ngrok SDK runs inside VS Code). Use backend = "ngrok" or leave the key out.']]);
  });

  it('warns that subdomain is deprecated and not applied', () => {
    const { problems } = read(lines('[tunnel.ngrok]', 'subdomain = "my-app"'));
    assert.deepEqual(problems.map(brief), [['warning', 2, 1, 'tunnel.ngrok.subdomain is deprecated: ngrok deprecated subdomain and the SDK ignores it; set domain = "<name>.ngrok.app" (or your reserved domain) instead. It is not applied.']]);
  });

  it('notes keys and tables that make no sense in-process', () => {
    const { problems } = read(lines('[tunnel]', 'max_failures = 3', '[tunnel.ngrok]', 'ngrok_path = "/usr/bin/ngrok"', '[tunnel.cloudflare]', 'token = "cf"'));
    assert.deepEqual(problems.map(brief), [
      ['info', 2, 1, 'tunnel.max_failures is ignored: the extension reconnects the ngrok session itself (heartbeat_tolerance_secs).'],
      ['info', 4, 1, 'tunnel.ngrok.ngrok_path is ignored: the ngrok SDK runs in-process, so there is no ngrok binary to start.'],
      ['info', 5, 9, 'tunnel.cloudflare is ignored: Webhook Tunnel only tunnels through ngrok, so [tunnel.cloudflare] has no effect.'],
    ]);
  });

  it('notes secrets written literally in the file', () => {
    const { config, problems } = read(lines('[tunnel.ngrok]', 'authtoken = "2abc"', '[tunnel.ngrok.verify_webhook]', 'provider = "github"', 'secret = "s3cret"'));
    assert.deepEqual(problems.map(brief), [
      ['info', 2, 13, 'tunnel.ngrok.authtoken holds a secret written in this file; put it in an environment variable and write "${NGROK_AUTHTOKEN}" so it stays out of version control.'],
      ['info', 5, 10, 'tunnel.ngrok.verify_webhook.secret holds a secret written in this file; put it in an environment variable and write "${WEBHOOK_SECRET}" so it stays out of version control.'],
    ]);
    assert.equal(config.authtoken?.value, '2abc');
  });

  it('keeps ngrok CEL in secrets for ngrok to resolve', () => {
    const { config, problems } = read(lines('[tunnel.ngrok.verify_webhook]', 'provider = "github"', "secret = \"${secrets.get('webhooks','github')}\""));
    assert.deepEqual(problems, []);
    assert.equal(config.verifyWebhook?.value.secret?.value, "${secrets.get('webhooks','github')}");
  });
});
