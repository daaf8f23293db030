import { paletteCommands, settingIds } from './configInputs';
import { layersFor, pick } from './configLayers';
import type { Layer, Layers } from './configLayers';
import type { EffectiveConfigInput, EffectiveCredential, EffectiveProtections } from './effectiveConfig';
import { fromPalette } from './provenance';

/**
 * The three edge protections, merged like every other value. Being configured turns a protection on
 * (a TOML key, a settings user or CIDR list); an explicit setting or palette toggle overrides that.
 */
export function buildProtections(input: EffectiveConfigInput): EffectiveProtections {
  const layers = layersFor(input);
  return { basicAuth: basicAuthOf(input, layers), ipRestrictions: ipRestrictionsOf(input, layers), webhookVerification: webhookVerificationOf(input, layers) };
}

function basicAuthOf(input: EffectiveConfigInput, { t, s, p }: Layers): EffectiveProtections['basicAuth'] {
  const fileList = t(input.toml?.config.basicAuth);
  const username = input.settings?.basicAuth?.username;
  const user = username && username.value.trim() !== '' ? s(settingIds.basicAuthUsername, { ...username, value: username.value.trim() }) : undefined;
  const password = input.palette?.basicAuthPassword;
  // A user in settings (password from secret storage) replaces the file's list rather than adding to it.
  const credentials: EffectiveCredential[] = user
    ? [{ username: user.value, password, from: user.from, passwordFrom: password === undefined ? undefined : fromPalette(paletteCommands.basicAuth) }]
    : (fileList?.value ?? []).flatMap((entry) => {
        const credential = t(entry);
        return credential ? [{ ...credential.value, from: credential.from, passwordFrom: credential.from }] : [];
      });
  const configured = user ?? fileList;
  const enabled = pick(false, configured && { value: true, from: configured.from }, s(settingIds.basicAuthEnabled, input.settings?.basicAuth?.enabled), p(paletteCommands.basicAuth, input.palette?.basicAuthEnabled));
  return { enabled, credentials };
}

function ipRestrictionsOf(input: EffectiveConfigInput, { t, s, p }: Layers): EffectiveProtections['ipRestrictions'] {
  const file = t(input.toml?.config.ipRestrictions);
  const settings = input.settings?.ipRestrictions;
  const fromFile = (list: 'allow' | 'deny'): Layer<readonly string[]> => file && { value: file.value[list].map((entry) => entry.value), from: file.from };
  const allow = pick<readonly string[]>([], fromFile('allow'), s(settingIds.ipRestrictionsAllow, settings?.allow));
  const deny = pick<readonly string[]>([], fromFile('deny'), s(settingIds.ipRestrictionsDeny, settings?.deny));
  const configured = allow.value.length > 0 ? allow : deny.value.length > 0 ? deny : file;
  const enabled = pick(false, configured && { value: true, from: configured.from }, s(settingIds.ipRestrictionsEnabled, settings?.enabled), p(paletteCommands.ipRestrictions, input.palette?.ipRestrictionsEnabled));
  return { enabled, allow, deny };
}

function webhookVerificationOf(input: EffectiveConfigInput, { t, sText, p }: Layers): EffectiveProtections['webhookVerification'] {
  const file = input.toml?.config.verifyWebhook?.value;
  const provider = pick<string | undefined>(undefined, t(file?.provider), sText(settingIds.webhookProvider, input.settings?.webhookVerification?.provider), p(paletteCommands.verifyWebhooks, input.palette?.webhookProvider));
  // A secret only counts for the provider it was given with: switching providers must not send the old one.
  const stored = provider.value === undefined ? undefined : input.palette?.webhookSecrets?.[provider.value];
  const fileSecret = file?.provider?.value === provider.value ? file?.secret : undefined;
  const secret = pick<string | undefined>(undefined, t(fileSecret), p(paletteCommands.verifyWebhooks, stored));
  return { provider, secret };
}
