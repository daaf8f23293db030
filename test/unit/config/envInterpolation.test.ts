import assert from 'node:assert/strict';
import { interpolateEnv } from '../../../src/core/config/envInterpolation';

describe('interpolateEnv', () => {
  it('replaces ${NAME}, reports unset names, and leaves CEL and escapes alone', () => {
    assert.deepEqual(interpolateEnv('dev:${PW}', { PW: 'correct horse' }), { value: 'dev:correct horse', missing: [], referenced: ['PW'] });
    assert.deepEqual(interpolateEnv('${A}-${B}', { A: '' }), { value: '-${B}', missing: ['B'], referenced: ['A', 'B'] });
    assert.deepEqual(interpolateEnv("${secrets.get('webhooks','github')}", {}), { value: "${secrets.get('webhooks','github')}", missing: [], referenced: [] });
    assert.deepEqual(interpolateEnv('$${HOME}', { HOME: '/h' }), { value: '${HOME}', missing: [], referenced: [] });
  });
});
