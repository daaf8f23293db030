import assert from 'node:assert/strict';
import { locateToml, parentOf } from '../../../src/core/config/tomlLocator';

const text = [
  '# comment with [brackets] and = signs', // 1
  '[tunnel]', // 2
  'backend = "ngrok" # trailing', // 3
  '', // 4
  '[tunnel.ngrok]', // 5
  "basic_auth = [", // 6
  '  "a:12345678", # first', // 7
  "  'b:87654321',", // 8
  ']', // 9
  'ip_restrictions = { allow_cidrs = ["10.0.0.0/8"], "deny_cidrs" = [] }', // 10
  'metadata = """two', // 11
  'lines"""', // 12
  'verify_webhook.provider = "github"', // 13
  'when = 1979-05-27 07:32:00', // 14
  '[[extra]]', // 15
  'k = 1', // 16
  '[[extra]]', // 17
  'k = 2', // 18
].join('\r\n');

describe('locateToml', () => {
  const at = locateToml(text);

  it('finds table headers, keys and values, including CRLF files', () => {
    assert.deepEqual(at.key('tunnel'), { line: 2, column: 2, endLine: 2, endColumn: 8 });
    assert.deepEqual(at.key('tunnel.backend'), { line: 3, column: 1, endLine: 3, endColumn: 8 });
    assert.deepEqual(at.value('tunnel.backend'), { line: 3, column: 11, endLine: 3, endColumn: 18 });
    assert.deepEqual(at.key('tunnel.ngrok'), { line: 5, column: 9, endLine: 5, endColumn: 14 });
  });

  it('finds items of multi-line arrays, past comments', () => {
    assert.deepEqual(at.value('tunnel.ngrok.basic_auth'), { line: 6, column: 14, endLine: 9, endColumn: 2 });
    assert.deepEqual(at.value('tunnel.ngrok.basic_auth[0]'), { line: 7, column: 3, endLine: 7, endColumn: 15 });
    assert.deepEqual(at.value('tunnel.ngrok.basic_auth[1]'), { line: 8, column: 3, endLine: 8, endColumn: 15 });
    assert.equal(at.raw('tunnel.ngrok.basic_auth[1]'), "'b:87654321'");
  });

  it('finds keys and values inside inline tables, quoted keys included', () => {
    assert.deepEqual(at.value('tunnel.ngrok.ip_restrictions.allow_cidrs[0]'), { line: 10, column: 36, endLine: 10, endColumn: 48 });
    assert.deepEqual(at.key('tunnel.ngrok.ip_restrictions.deny_cidrs'), { line: 10, column: 51, endLine: 10, endColumn: 63 });
  });

  it('handles multi-line strings, dotted keys, dates and arrays of tables', () => {
    assert.deepEqual(at.value('tunnel.ngrok.metadata'), { line: 11, column: 12, endLine: 12, endColumn: 9 });
    assert.deepEqual(at.key('tunnel.ngrok.verify_webhook.provider'), { line: 13, column: 16, endLine: 13, endColumn: 24 });
    assert.deepEqual(at.key('tunnel.ngrok.verify_webhook'), { line: 13, column: 1, endLine: 13, endColumn: 15 });
    assert.equal(at.raw('tunnel.ngrok.when'), '1979-05-27 07:32:00');
    assert.deepEqual(at.value('extra[1].k'), { line: 18, column: 5, endLine: 18, endColumn: 6 });
  });

  it('falls back to the nearest located parent, then to 1:1', () => {
    assert.deepEqual(at.at('tunnel.ngrok.nothing'), at.key('tunnel.ngrok'));
    assert.deepEqual(at.at('nowhere'), { line: 1, column: 1, endLine: 1, endColumn: 1 });
    assert.equal(parentOf('a.b[2]'), 'a.b');
    assert.equal(parentOf('a.b'), 'a');
    assert.equal(parentOf('a'), undefined);
  });
});
