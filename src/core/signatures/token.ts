/**
 * GitLab sends its secret token itself in `X-Gitlab-Token`; nothing covers the body. "Verifying" is comparing the
 * token, and "re-signing" is putting the token in the header, so an edited body replays as valid.
 */
import { fail, pass } from './checks';
import { sameSecret } from './digest';
import { firstHeader, hasHeader, setHeader } from './rawHeaders';
import type { Scheme } from './scheme';

const HEADER = 'X-Gitlab-Token';

export const gitlabScheme: Scheme = {
  headers: [HEADER],
  signatureHeaders: [HEADER],
  coversBody: false,
  isSigned: (request) => hasHeader(request.rawHeaders, HEADER),
  missingMessage: () => 'No X-Gitlab-Token header: GitLab sends one only when the webhook has a secret token.',
  checkSecret: (secret) => (secret.length === 0 ? 'The secret token is empty.' : undefined),

  verify(request, secret) {
    // Hashing both sides before the constant-time compare keeps the token's length from leaking too.
    return sameSecret(firstHeader(request.rawHeaders, HEADER)!, secret)
      ? pass('X-Gitlab-Token matches. GitLab sends a plain token, so the body is not covered.')
      : fail('tokenMismatch', "X-Gitlab-Token doesn't match the secret token.");
  },

  sign: (request, secret) => ({ rawHeaders: setHeader(request.rawHeaders, HEADER, secret), body: request.body, url: request.url }),
};
