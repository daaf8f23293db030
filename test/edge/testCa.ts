// The local edge's throw-away PKI: a CA and one server certificate, made fresh at every start
// (ECDSA P-256, X.509 v3), so no private key is ever committed. rustls-webpki in the SDK checks
// the chain and the SAN (an IP SAN for `127.0.0.1:PORT`, a DNS SAN for `localhost:PORT`).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as der from './der';

export interface TestCa {
  /** The CA certificate (PEM). Trust this in the SDK: `caCert(Buffer.from(caPem))` or a `root_cas` file. */
  readonly caPem: string;
  /** The edge's server certificate (PEM), signed by the CA. */
  readonly certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). Lives in memory only. */
  readonly keyPem: string;
  /** Subject alternative names of the server certificate, e.g. `DNS:localhost`, `IP:127.0.0.1`. */
  readonly altNames: readonly string[];
  /** Writes the CA certificate (only the public certificate) to `path`. */
  writeCaPem(path: string): void;
}

export interface TestCaOptions {
  /** Names for the server certificate. Default: localhost, 127.0.0.1, ::1 (what server_addr can name). IPs become IP SANs. */
  readonly hostnames?: readonly string[];
  /** Validity in days from now (backdated by one day against clock skew). Default 30. */
  readonly validDays?: number;
}

export const DEFAULT_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;
const ORGANIZATION = 'Webhook Tunnel LOCAL test edge (not ngrok)';

function name(commonName: string): Buffer {
  const attribute = (oid: string, value: string) => der.set(der.sequence(der.objectIdentifier(oid), der.utf8String(value)));
  return der.sequence(attribute(OID.organization, ORGANIZATION), attribute(OID.commonName, commonName));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(oid), ...(critical ? [der.booleanTrue()] : []), der.octetString(value));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" and write eight 16-bit groups.
  const [head = '', tail] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function subjectAltNames(hostnames: readonly string[]): Buffer {
  return der.sequence(...hostnames.map((host) => (isIP(host) ? der.implicitPrimitive(7, ipBytes(host)) : der.implicitPrimitive(2, Buffer.from(host, 'ascii')))));
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1). */
function keyIdentifier(spkiDer: Buffer): Buffer {
  // For a P-256 SubjectPublicKeyInfo the key is the last 65 bytes (uncompressed point).
  return createHash('sha1').update(spkiDer.subarray(spkiDer.length - 65)).digest();
}

interface CertificateSpec {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly publicKey: KeyObject;
  readonly signingKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Buffer[];
}

function certificate(spec: CertificateSpec): Buffer {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive, non-zero, 16 bytes
  const signatureAlgorithm = der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    signatureAlgorithm,
    spec.issuer,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    spec.subject,
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...spec.extensions)),
  );
  const signature = sign('sha256', tbs, { key: spec.signingKey, dsaEncoding: 'der' });
  return der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Makes a new CA and a server certificate for the local edge. Synchronous; a few milliseconds. */
export function createTestCa(options: TestCaOptions = {}): TestCa {
  const hostnames = options.hostnames ?? DEFAULT_HOSTNAMES;
  const now = Date.now();
  const notBefore = new Date(now - 24 * 3600 * 1000);
  const notAfter = new Date(now + (options.validDays ?? 30) * 24 * 3600 * 1000);

  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = name('Webhook Tunnel LOCAL test edge CA');
  const caKeyId = keyIdentifier(caKeys.publicKey.export({ type: 'spki', format: 'der' }));
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence(der.booleanTrue())),
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, der.octetString(caKeyId)),
    ],
  });

  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafKeyId = keyIdentifier(leafKeys.publicKey.export({ type: 'spki', format: 'der' }));
  const leafCert = certificate({
    subject: name(hostnames.find((host) => !isIP(host) && !host.startsWith('*')) ?? 'localhost'),
    issuer: caName,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence()),
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, false, subjectAltNames(hostnames)),
      extension(OID.subjectKeyIdentifier, false, der.octetString(leafKeyId)),
      extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, caKeyId))),
    ],
  });

  const caPem = pem('CERTIFICATE', caCert);
  return {
    caPem,
    certPem: pem('CERTIFICATE', leafCert),
    keyPem: leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    altNames: hostnames.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)),
    writeCaPem: (path: string) => writeFileSync(path, caPem, { mode: 0o644 }),
  };
}
