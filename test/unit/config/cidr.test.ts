import assert from 'node:assert/strict';
import { cidrFamily, normaliseCidr, parseCidr } from '../../../src/core/config/cidr';

describe('parseCidr', () => {
  it('accepts IPv4 and IPv6 ranges and writes them canonically', () => {
    assert.deepEqual(parseCidr('140.82.112.0/20'), { ok: true, cidr: { family: 'ipv4', text: '140.82.112.0/20', prefix: 20 } });
    assert.deepEqual(parseCidr(' 2001:DB8:0:0::/32 '), { ok: true, cidr: { family: 'ipv6', text: '2001:db8::/32', prefix: 32 } });
    assert.equal(normaliseCidr('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(normaliseCidr('::/0'), '::/0');
    assert.equal(normaliseCidr('::ffff:1.2.3.4/128'), '::ffff:1.2.3.4/128');
    assert.equal(normaliseCidr('2001:0db8:0000:0000:0001:0000:0000:0000/128'), '2001:db8:0:0:1::/128');
    assert.equal(normaliseCidr('2001:db8:0:0:1:0:0:1/128'), '2001:db8::1:0:0:1/128');
    assert.equal(cidrFamily('2606:50c0::/32'), 'ipv6');
    assert.equal(cidrFamily('nope'), undefined);
  });

  it('takes a bare address as a one-address range, and says so', () => {
    assert.deepEqual(parseCidr('203.0.113.7'), {
      ok: true,
      cidr: { family: 'ipv4', text: '203.0.113.7/32', prefix: 32 },
      adjustment: { kind: 'bare-address', message: '"203.0.113.7" is a single address; ngrok wants a CIDR, so it is used as 203.0.113.7/32' },
    });
    assert.equal(normaliseCidr('2001:db8::1'), '2001:db8::1/128');
  });

  it('clears host bits past the prefix, and says what the range really is', () => {
    const result = parseCidr('10.0.0.1/8');
    assert.ok(result.ok);
    assert.equal(result.cidr.text, '10.0.0.0/8');
    assert.equal(result.adjustment?.kind, 'host-bits');
    assert.match(result.adjustment.message, /means the whole range 10\.0\.0\.0\/8.*write 10\.0\.0\.1\/32/);
    assert.equal(normaliseCidr('2001:db8:ffff:ffff::/33'), '2001:db8:8000::/33');
  });

  it('explains what is wrong with an invalid CIDR', () => {
    const error = (input: string): string => {
      const result = parseCidr(input);
      assert.ok(!result.ok, input);
      return result.error;
    };
    assert.equal(error('10.0.0.0/33'), '"10.0.0.0/33" is not a valid CIDR: prefix must be 0–32 for IPv4');
    assert.equal(error('2001:db8::/129'), '"2001:db8::/129" is not a valid CIDR: prefix must be 0–128 for IPv6');
    assert.equal(error('10.0.0.0/'), '"10.0.0.0/" is not a valid CIDR: the prefix length is missing after "/" (0–32 for IPv4)');
    assert.equal(error('10.0.0.0/x'), '"10.0.0.0/x" is not a valid CIDR: prefix must be a whole number, 0–32 for IPv4');
    assert.equal(error('10.0.0.0/-1'), '"10.0.0.0/-1" is not a valid CIDR: prefix must be a whole number, 0–32 for IPv4');
    assert.equal(error('10.0.0/24'), '"10.0.0/24" is not a valid CIDR: "10.0.0" is not an IPv4 or IPv6 address');
    assert.equal(error('10.0.0.256/24'), '"10.0.0.256/24" is not a valid CIDR: "10.0.0.256" is not an IPv4 or IPv6 address');
    assert.equal(error('github.com/24'), '"github.com/24" is not a valid CIDR: "github.com" is not an IPv4 or IPv6 address');
    assert.equal(error('fe80::1%eth0/64'), '"fe80::1%eth0/64" is not a valid CIDR: zone ids (%eth0) are not allowed');
    assert.match(error(''), /it is empty/);
  });
});
