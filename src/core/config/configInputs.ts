import type { SettingScope } from './provenance';

/** A setting the user set explicitly, and at which level (VS Code's `inspect()`); defaults are not passed. */
export interface SettingValue<T> {
  readonly value: T;
  readonly scope: SettingScope;
}

/**
 * The `webhookTunnel.*` settings as the VS Code layer reads them: only the ones explicitly set, so a
 * package.json default never hides a value from the TOML file. An explicit empty string means "unset
 * here" and does override the file.
 */
export interface SettingsInput {
  readonly upstream?: SettingValue<string>;
  readonly capturePort?: SettingValue<number>;
  readonly ngrok?: {
    readonly domain?: SettingValue<string>;
    readonly region?: SettingValue<string>;
    readonly metadata?: SettingValue<string>;
    readonly poolingEnabled?: SettingValue<boolean>;
    readonly serverAddr?: SettingValue<string>;
    readonly caCertificate?: SettingValue<string>;
    readonly trafficPolicyFile?: SettingValue<string>;
    readonly heartbeatIntervalSeconds?: SettingValue<number>;
    readonly heartbeatToleranceSeconds?: SettingValue<number>;
  };
  readonly basicAuth?: {
    readonly enabled?: SettingValue<boolean>;
    /** Its password lives in secret storage (PaletteInput.basicAuthPassword), never in settings. */
    readonly username?: SettingValue<string>;
  };
  readonly ipRestrictions?: {
    readonly enabled?: SettingValue<boolean>;
    readonly allow?: SettingValue<readonly string[]>;
    readonly deny?: SettingValue<readonly string[]>;
  };
  readonly webhookVerification?: {
    readonly provider?: SettingValue<string>;
  };
}

/**
 * What the user gave through palette commands: secrets from VS Code's secret storage, and toggles the UI
 * keeps for the session (if it writes settings instead, pass them as settings). Highest precedence.
 */
export interface PaletteInput {
  readonly authtoken?: string;
  readonly basicAuthEnabled?: boolean;
  /** The password for `SettingsInput.basicAuth.username`. */
  readonly basicAuthPassword?: string;
  readonly ipRestrictionsEnabled?: boolean;
  readonly webhookProvider?: string;
  /** Signing secrets by provider id, so switching providers never sends one provider's secret for another. */
  readonly webhookSecrets?: Readonly<Record<string, string>>;
}

/** Setting ids, for provenance labels; the protection ones still need contributing in package.json. */
export const settingIds = {
  upstream: 'webhookTunnel.upstream',
  capturePort: 'webhookTunnel.capture.port',
  domain: 'webhookTunnel.ngrok.domain',
  region: 'webhookTunnel.ngrok.region',
  metadata: 'webhookTunnel.ngrok.metadata',
  poolingEnabled: 'webhookTunnel.ngrok.poolingEnabled',
  serverAddr: 'webhookTunnel.ngrok.serverAddr',
  caCertificate: 'webhookTunnel.ngrok.caCertificate',
  trafficPolicyFile: 'webhookTunnel.ngrok.trafficPolicyFile',
  heartbeatIntervalSeconds: 'webhookTunnel.ngrok.heartbeatIntervalSeconds',
  heartbeatToleranceSeconds: 'webhookTunnel.ngrok.heartbeatToleranceSeconds',
  basicAuthEnabled: 'webhookTunnel.basicAuth.enabled',
  basicAuthUsername: 'webhookTunnel.basicAuth.username',
  ipRestrictionsEnabled: 'webhookTunnel.ipRestrictions.enabled',
  ipRestrictionsAllow: 'webhookTunnel.ipRestrictions.allow',
  ipRestrictionsDeny: 'webhookTunnel.ipRestrictions.deny',
  webhookProvider: 'webhookTunnel.webhookVerification.provider',
} as const;

/** Command titles (package.json), for provenance labels of palette values. */
export const paletteCommands = {
  authtoken: 'Set ngrok Authtoken',
  basicAuth: 'Toggle Basic Auth',
  ipRestrictions: 'Toggle IP Restrictions',
  verifyWebhooks: 'Verify Webhooks From…',
} as const;
