import assert from 'node:assert/strict';
import type { ConfigProblem } from '../../../src/core/config/configProblem';
import { readTrafficPolicyFile } from '../../../src/core/tunnel/trafficPolicyFile';

const brief = (problem: ConfigProblem): [number, number, string] => [problem.line, problem.column, problem.message];

describe('readTrafficPolicyFile', () => {
  it('reads a JSON policy', () => {
    const text = '{\n  "on_http_request": [\n    { "name": "deny admin", "expressions": ["req.url.path == \'/admin\'"], "actions": [{ "type": "deny" }] }\n  ]\n}\n';
    assert.deepEqual(readTrafficPolicyFile(text, '/ws/policy.json'), {
      document: { on_http_request: [{ name: 'deny admin', expressions: ["req.url.path == '/admin'"], actions: [{ type: 'deny' }] }] },
      problems: [],
    });
  });

  it('says YAML is not read yet, and how to write the same policy', () => {
    const { document, problems } = readTrafficPolicyFile('on_http_request:\n  - actions:\n      - type: deny\n', '/ws/policy.yml');
    assert.equal(document, undefined);
    assert.deepEqual(problems, [{ severity: 'error', message: 'policy.yml looks like YAML, but Webhook Tunnel reads traffic policy files as JSON only (it bundles no YAML parser). Write the same policy as JSON; JSON is valid YAML, so ngrok reads it too.', line: 1, column: 1, file: '/ws/policy.yml' }]);
    assert.equal(readTrafficPolicyFile('{"on_http_request": []}', '/ws/policy.yaml').problems.length, 0);
  });

  it('points at invalid JSON', () => {
    // V8 words JSON errors differently across versions: check the position and the prefix.
    const [invalid] = readTrafficPolicyFile('{\n  "on_http_request": [\n    { actions: [] }\n  ]\n}', '/ws/p.json').problems;
    assert.deepEqual([invalid?.line, invalid?.column], [3, 7]);
    assert.match(invalid!.message, /^p\.json is not valid JSON: \S.*\.$/);
    assert.deepEqual(readTrafficPolicyFile('', '/ws/p.json').problems.map(brief), [[1, 1, 'p.json is empty; write a Traffic Policy as JSON, e.g. {"on_http_request": [...]}.']]);
  });

  it('rejects unknown phases, suggesting the current name', () => {
    assert.deepEqual(readTrafficPolicyFile('{\n  "inbound": []\n}', '/ws/p.json').problems.map(brief), [[2, 3, '"inbound" is not a Traffic Policy phase. Did you mean "on_http_request"? Phases: on_http_request, on_http_response, on_tcp_connect.']]);
    assert.match(readTrafficPolicyFile('{"on_http_requests": []}', '/ws/p.json').problems[0]!.message, /Did you mean "on_http_request"\?/);
  });

  it('rejects rules without actions or with actions without a type', () => {
    assert.deepEqual(readTrafficPolicyFile('{"on_http_request": [{"name": "x"}]}', '/ws/p.json').problems.map(brief), [[1, 2, 'p.json: on_http_request rule 1 has no "actions" list.']]);
    assert.deepEqual(readTrafficPolicyFile('{"on_http_response": [{"actions": [{"config": {}}]}]}', '/ws/p.json').problems.map(brief), [[1, 2, 'p.json: on_http_response rule 1, action 1 needs a "type" (e.g. "add-headers").']]);
    assert.deepEqual(readTrafficPolicyFile('{"on_http_request": {}}', '/ws/p.json').problems.map(brief), [[1, 2, 'p.json: on_http_request must be a list of rules.']]);
    assert.deepEqual(readTrafficPolicyFile('[]', '/ws/p.json').problems.map(brief), [[1, 1, 'p.json must hold a JSON object whose keys are phases (on_http_request, on_http_response).']]);
  });
});
