import type { ConfigProblem } from './configProblem';
import { paletteCommands, settingIds } from './configInputs';
import type { PaletteInput, SettingsInput } from './configInputs';
import { buildProtections } from './effectiveProtections';
import { layersFor, pick } from './configLayers';
import type { Provenance, Sourced } from './provenance';
import type { LogLevel } from './tunnelTomlKeys';
import type { TomlReadResult } from './tunnelTomlTypes';

export interface EffectiveCredential {
  readonly username: string;
  /** Undefined when basic auth names a user whose password was never stored; validateForStart blocks that. */
  readonly password: string | undefined;
  readonly from: Provenance;
  readonly passwordFrom?: Provenance;
}

export interface EffectiveProtections {
  readonly basicAuth: { readonly enabled: Sourced<boolean>; readonly credentials: readonly EffectiveCredential[] };
  readonly ipRestrictions: { readonly enabled: Sourced<boolean>; readonly allow: Sourced<readonly string[]>; readonly deny: Sourced<readonly string[]> };
  /** On when `provider` has a value. */
  readonly webhookVerification: { readonly provider: Sourced<string | undefined>; readonly secret: Sourced<string | undefined> };
}

/** One typed configuration in which every value says where it came from. */
export interface EffectiveConfig {
  readonly upstream: Sourced<string>;
  readonly capturePort: Sourced<number>;
  readonly startupTimeoutSecs: Sourced<number>;
  /** `inspect = false` in the TOML: record calls without their bodies. */
  readonly recordBodies: Sourced<boolean>;
  readonly logLevel: Sourced<LogLevel>;
  readonly ngrok: {
    /** From the TOML or secret storage; when undefined the VS Code layer falls back to findAuthtoken(). */
    readonly authtoken: Sourced<string | undefined>;
    readonly domain: Sourced<string | undefined>;
    readonly region: Sourced<string | undefined>;
    readonly metadata: Sourced<string | undefined>;
    readonly poolingEnabled: Sourced<boolean>;
    readonly serverAddr: Sourced<string | undefined>;
    readonly caCertificate: Sourced<string | undefined>;
    readonly trafficPolicyFile: Sourced<string | undefined>;
    readonly heartbeatIntervalSecs: Sourced<number>;
    readonly heartbeatToleranceSecs: Sourced<number>;
    readonly circuitBreaker: Sourced<number | undefined>;
    readonly compression: Sourced<boolean>;
  };
  readonly protections: EffectiveProtections;
  /** The TOML file read, if any, and what reading it found (its errors block the start). */
  readonly configFile?: string;
  readonly fileProblems: readonly ConfigProblem[];
}

export interface EffectiveConfigInput {
  readonly toml?: TomlReadResult;
  readonly settings?: SettingsInput;
  readonly palette?: PaletteInput;
}

export const effectiveDefaults = {
  upstream: 'http://localhost:3000',
  capturePort: 0,
  startupTimeoutSecs: 30,
  recordBodies: true,
  logLevel: 'info' as LogLevel,
  poolingEnabled: false,
  heartbeatIntervalSecs: 10,
  heartbeatToleranceSecs: 15,
  compression: false,
} as const;

/**
 * Merges defaults ← webhook-tunnel.toml ← VS Code settings (user/workspace/folder, as VS Code already
 * resolved them) ← palette input (secret storage and session toggles).
 */
export function buildEffectiveConfig(input: EffectiveConfigInput): EffectiveConfig {
  const toml = input.toml?.config;
  const { t, s, sText, p } = layersFor(input);
  const ngrok = input.settings?.ngrok ?? {};
  const palette = input.palette ?? {};
  return {
    upstream: pick<string>(effectiveDefaults.upstream, t(toml?.localAddr), s(settingIds.upstream, input.settings?.upstream)),
    capturePort: pick<number>(effectiveDefaults.capturePort, s(settingIds.capturePort, input.settings?.capturePort)),
    startupTimeoutSecs: pick<number>(effectiveDefaults.startupTimeoutSecs, t(toml?.startupTimeoutSecs)),
    recordBodies: pick<boolean>(effectiveDefaults.recordBodies, t(toml?.inspect)),
    logLevel: pick<LogLevel>(effectiveDefaults.logLevel, t(toml?.logLevel)),
    ngrok: {
      authtoken: pick<string | undefined>(undefined, t(toml?.authtoken), p(paletteCommands.authtoken, palette.authtoken)),
      domain: pick<string | undefined>(undefined, t(toml?.domain), sText(settingIds.domain, ngrok.domain)),
      region: pick<string | undefined>(undefined, t(toml?.region), sText(settingIds.region, ngrok.region)),
      metadata: pick<string | undefined>(undefined, t(toml?.metadata), sText(settingIds.metadata, ngrok.metadata)),
      poolingEnabled: pick<boolean>(effectiveDefaults.poolingEnabled, t(toml?.poolingEnabled), s(settingIds.poolingEnabled, ngrok.poolingEnabled)),
      serverAddr: pick<string | undefined>(undefined, t(toml?.serverAddr), sText(settingIds.serverAddr, ngrok.serverAddr)),
      caCertificate: pick<string | undefined>(undefined, t(toml?.caCertificate), sText(settingIds.caCertificate, ngrok.caCertificate)),
      trafficPolicyFile: pick<string | undefined>(undefined, t(toml?.trafficPolicyFile), sText(settingIds.trafficPolicyFile, ngrok.trafficPolicyFile)),
      heartbeatIntervalSecs: pick<number>(effectiveDefaults.heartbeatIntervalSecs, t(toml?.heartbeatIntervalSecs), s(settingIds.heartbeatIntervalSeconds, ngrok.heartbeatIntervalSeconds)),
      heartbeatToleranceSecs: pick<number>(effectiveDefaults.heartbeatToleranceSecs, t(toml?.heartbeatToleranceSecs), s(settingIds.heartbeatToleranceSeconds, ngrok.heartbeatToleranceSeconds)),
      circuitBreaker: pick<number | undefined>(undefined, t(toml?.circuitBreaker)),
      compression: pick<boolean>(effectiveDefaults.compression, t(toml?.compression)),
    },
    protections: buildProtections(input),
    configFile: toml?.file,
    fileProblems: input.toml?.problems ?? [],
  };
}
