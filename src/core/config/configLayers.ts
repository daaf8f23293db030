import type { EffectiveConfigInput } from './effectiveConfig';
import type { SettingValue } from './configInputs';
import { fromDefault, fromPalette, fromSetting, fromToml } from './provenance';
import type { Sourced } from './provenance';
import type { Located } from './tunnelTomlTypes';

/** One source's value for a key, or undefined when that source doesn't set it. */
export type Layer<T> = Sourced<T> | undefined;

/** The last layer that has a value wins; layers are listed lowest precedence first. */
export function pick<T>(fallback: T, ...layers: Layer<T>[]): Sourced<T> {
  let chosen: Sourced<T> = { value: fallback, from: fromDefault };
  for (const layer of layers) if (layer) chosen = layer;
  return chosen;
}

export interface Layers {
  /** A value from webhook-tunnel.toml. */
  t<T>(located: Located<T> | undefined): Layer<T>;
  /** A setting the user set explicitly. */
  s<T>(id: string, setting: SettingValue<T> | undefined): Layer<T>;
  /** A text setting: "" means "not set" but, explicitly set, still overrides the file. */
  sText(id: string, setting: SettingValue<string> | undefined): Layer<string | undefined>;
  /** A value given through a palette command. */
  p<T>(command: string, value: T | undefined): Layer<T>;
}

export function layersFor(input: EffectiveConfigInput): Layers {
  const file = input.toml?.config.file ?? '';
  return {
    t: (located) => (located ? { value: located.value, from: fromToml(file, located) } : undefined),
    s: (id, setting) => (setting ? { value: setting.value, from: fromSetting(id, setting.scope) } : undefined),
    sText: (id, setting) => (setting ? { value: setting.value.trim() === '' ? undefined : setting.value.trim(), from: fromSetting(id, setting.scope) } : undefined),
    p: (command, value) => (value === undefined ? undefined : { value, from: fromPalette(command) }),
  };
}
