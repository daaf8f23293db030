import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { FoundAuthtoken } from './authtoken';
import type { PublicTunnelSettings } from './captureSettings';

export interface NgrokOptions {
  readonly domain?: string;
  readonly region?: string;
  readonly metadata?: string;
  readonly poolingEnabled: boolean;
  readonly serverAddr?: string;
  readonly caCertificate?: string;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatToleranceMs: number;
}

export class PublicSettingsError extends Error {
  override readonly name = 'PublicSettingsError';
}

/** ngrok's regional connect hosts; the SDK itself ignores a region option. */
export function serverAddrFor(options: Pick<NgrokOptions, 'serverAddr' | 'region'>): string | undefined {
  if (options.serverAddr) return options.serverAddr.includes(':') ? options.serverAddr : `${options.serverAddr}:443`;
  return options.region ? `connect.${options.region}.ngrok-agent.com:443` : undefined;
}

/** Builds what the SDK needs from the settings and the authtoken; reads the CA file, resolving it against the workspace. */
export async function buildPublicSettings(options: NgrokOptions, authtoken: FoundAuthtoken, clientVersion: string, workspaceDir?: string): Promise<PublicTunnelSettings> {
  let caCertificate: Buffer | undefined;
  let caCertificatePath: string | undefined;
  if (options.caCertificate) {
    caCertificatePath = isAbsolute(options.caCertificate) || !workspaceDir ? options.caCertificate : resolve(workspaceDir, options.caCertificate);
    try {
      caCertificate = await readFile(caCertificatePath);
    } catch (error) {
      throw new PublicSettingsError(`Cannot read the CA certificate set in webhookTunnel.ngrok.caCertificate (${caCertificatePath}): ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
    if (!caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
      throw new PublicSettingsError(`${caCertificatePath} (webhookTunnel.ngrok.caCertificate) holds no PEM certificate ("-----BEGIN CERTIFICATE-----").`);
    }
  }
  return {
    session: {
      authtoken: authtoken.token,
      serverAddr: serverAddrFor(options),
      caCertificate,
      metadata: options.metadata,
      clientVersion,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      heartbeatToleranceMs: options.heartbeatToleranceMs,
    },
    listener: { domain: options.domain, metadata: options.metadata, poolingEnabled: options.poolingEnabled },
    authtokenSource: authtoken.where,
    region: options.serverAddr ? undefined : options.region,
    caCertificatePath,
  };
}
