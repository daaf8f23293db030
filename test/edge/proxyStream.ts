// The start of an edge → agent proxy stream: type 3, an i64 little-endian length, the JSON
// ProxyHeader. The raw client bytes follow; all of it can go in the first (SYN) frame.
import { StreamType } from './protocol';
import type { ProxyHeader } from './protocol';
import { typePrefix } from './rpc';

export function proxyPreamble(header: ProxyHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigInt64LE(BigInt(json.length), 0);
  return Buffer.concat([typePrefix(StreamType.Proxy), length, json]);
}

/** `ip:port` as the agent parses ClientAddr (IPv6 in brackets, IPv4-mapped addresses unwrapped). */
export function clientAddr(address: string | undefined, port: number | undefined): string {
  const ip = clientIp(address);
  return ip.includes(':') ? `[${ip}]:${port ?? 0}` : `${ip}:${port ?? 0}`;
}

export function clientIp(address: string | undefined): string {
  if (!address) return '0.0.0.0';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
