/** ngrok's basic-auth limits (traffic-policy/actions/basic-auth: "up to 10 pairs", "password 8–128 characters"). */
export const basicAuthLimits = { maxCredentials: 10, minPasswordLength: 8, maxPasswordLength: 128 } as const;

export interface Credential {
  readonly username: string;
  readonly password: string;
}

/** `user:password`, split at the first colon as ngrok does (a password may contain colons, a user name can't). */
export function splitCredential(text: string): Credential | undefined {
  const colon = text.indexOf(':');
  return colon === -1 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** What ngrok would reject about one credential. Messages never include the password. */
export function credentialProblems(username: string, password: string): string[] {
  const problems: string[] = [];
  if (username.trim() === '') problems.push('the user name is empty');
  // A CEL expression (${…}) is resolved by ngrok; its length here says nothing.
  if (!password.includes('${')) {
    const { minPasswordLength: min, maxPasswordLength: max } = basicAuthLimits;
    if (password.length < min) problems.push(`the password for "${username}" is ${password.length} characters; ngrok requires ${min}–${max}`);
    else if (password.length > max) problems.push(`the password for "${username}" is ${password.length} characters; ngrok allows at most ${max}`);
  }
  return problems;
}

export function tooManyCredentialsMessage(count: number): string {
  return `Basic auth has ${count} credentials; ngrok allows at most ${basicAuthLimits.maxCredentials}.`;
}

/** `abc` → `Abc`, so check results read as sentences. */
export function sentence(text: string): string {
  const body = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(body) ? body : `${body}.`;
}
