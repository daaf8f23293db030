import { isIP } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  readonly family: IpFamily;
  /** Canonical network form: `10.0.0.0/8`, `2001:db8::/32` (lower case, shortest IPv6 spelling). */
  readonly text: string;
  readonly prefix: number;
}

/** What was changed to make the input a CIDR ngrok accepts; the reader shows it next to the value. */
export interface CidrAdjustment {
  /** `bare-address`: a single IP, taken as /32 or /128. `host-bits`: bits past the prefix were set and are cleared. */
  readonly kind: 'bare-address' | 'host-bits';
  readonly message: string;
}

export type CidrResult =
  | { readonly ok: true; readonly cidr: Cidr; readonly adjustment?: CidrAdjustment }
  | { readonly ok: false; readonly error: string };

const maxPrefix: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
const familyName: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/**
 * Parses an IPv4 or IPv6 CIDR. ngrok's `restrict-ips` wants CIDRs, so a bare address is accepted and
 * normalised to a one-address range (/32, /128), and a range with host bits set (`10.0.0.1/8`) is
 * normalised to its network (`10.0.0.0/8`); both come back with an `adjustment` saying so.
 */
export function parseCidr(input: string): CidrResult {
  const text = input.trim();
  const invalid = (reason: string): CidrResult => ({ ok: false, error: `"${input}" is not a valid CIDR: ${reason}` });
  if (text === '') return invalid('it is empty; write an address range such as 203.0.113.0/24 or 2001:db8::/32');
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  if (address.includes('%')) return invalid(`zone ids (${address.slice(address.indexOf('%'))}) are not allowed`);
  const version = isIP(address);
  if (version === 0) return invalid(`"${address}" is not an IPv4 or IPv6 address`);
  const family: IpFamily = version === 4 ? 'ipv4' : 'ipv6';
  const max = maxPrefix[family];
  let prefix = max;
  if (prefixText !== undefined) {
    if (prefixText === '') return invalid(`the prefix length is missing after "/" (0–${max} for ${familyName[family]})`);
    if (!/^\d{1,3}$/.test(prefixText)) return invalid(`prefix must be a whole number, 0–${max} for ${familyName[family]}`);
    prefix = Number(prefixText);
    if (prefix > max) return invalid(`prefix must be 0–${max} for ${familyName[family]}`);
  }
  const words = family === 'ipv4' ? ipv4Words(address) : ipv6Words(address);
  const network = maskWords(words, prefix, family === 'ipv4' ? 8 : 16);
  const canonical = `${family === 'ipv4' ? network.join('.') : formatIpv6(network)}/${prefix}`;
  const cidr: Cidr = { family, text: canonical, prefix };
  if (prefixText === undefined) {
    return { ok: true, cidr, adjustment: { kind: 'bare-address', message: `"${input}" is a single address; ngrok wants a CIDR, so it is used as ${canonical}` } };
  }
  if (network.some((word, index) => word !== words[index])) {
    const single = `${address}/${max}`;
    return { ok: true, cidr, adjustment: { kind: 'host-bits', message: `"${input}" has bits set past its /${prefix} prefix; it means the whole range ${canonical}, which is used (write ${single} for that one address)` } };
  }
  return { ok: true, cidr };
}

/** The canonical CIDR, or undefined when the input is not one; for callers that already reported problems. */
export function normaliseCidr(input: string): string | undefined {
  const result = parseCidr(input);
  return result.ok ? result.cidr.text : undefined;
}

export function cidrFamily(input: string): IpFamily | undefined {
  const result = parseCidr(input);
  return result.ok ? result.cidr.family : undefined;
}

function ipv4Words(address: string): number[] {
  return address.split('.').map(Number);
}

/** Eight 16-bit groups; `isIP` has already vouched for the syntax, including an embedded IPv4 tail. */
function ipv6Words(address: string): number[] {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = ipv4Words(tail) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

function maskWords(words: readonly number[], prefix: number, bitsPerWord: number): number[] {
  return words.map((word, index) => {
    const keep = Math.min(bitsPerWord, Math.max(0, prefix - index * bitsPerWord));
    const mask = keep === 0 ? 0 : ((2 ** bitsPerWord - 1) >> (bitsPerWord - keep)) << (bitsPerWord - keep);
    return word & mask;
  });
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(words: readonly number[]): string {
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
    const [c, d] = [words[6]!, words[7]!];
    return `::ffff:${c >> 8}.${c & 0xff}.${d >> 8}.${d & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
