import { tomlTemplate } from '../../../src/core/config/tomlTemplate';

/** The template with every commented-out key and sub-table header switched on. */
export function filledTemplate(): string {
  return tomlTemplate().replace(/^# (?=[a-z_]+ = |\[)/gm, '');
}

/** The variables the template's `${…}` references need. */
export const templateEnv = { NGROK_AUTHTOKEN: '2token', WEBHOOK_TUNNEL_PASSWORD: 'correcthorse', GITHUB_WEBHOOK_SECRET: 'whsec' };
