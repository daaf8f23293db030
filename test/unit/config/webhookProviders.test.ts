import assert from 'node:assert/strict';
import { searchWebhookProviders, suggestWebhookProvider, unknownProviderMessage, webhookProviderById, webhookProviders } from '../../../src/core/config/webhookProviders';

describe('webhook providers', () => {
  it('lists all 69 ngrok verify-webhook ids, each once, with a name', () => {
    const ids = webhookProviders.map((entry) => entry.id);
    assert.equal(ids.length, 69);
    assert.equal(new Set(ids).size, 69);
    for (const id of ['github', 'stripe', 'slack', 'shopify', 'twilio', 'sns', 'jira', 'linear', 'graphcms', 'trendmicro_conformity', 'zoom']) assert.ok(ids.includes(id), id);
    assert.ok(webhookProviders.every((entry) => /^[a-z0-9_]+$/.test(entry.id) && entry.name.length > 0));
  });

  it('needs a secret for every provider except Amazon SNS', () => {
    assert.deepEqual(webhookProviders.filter((entry) => !entry.secretRequired).map((entry) => entry.id), ['sns']);
  });

  it('finds a provider by exact id only, case-insensitively', () => {
    assert.equal(webhookProviderById('GitHub')?.name, 'GitHub');
    assert.equal(webhookProviderById('hygraph'), undefined);
  });

  it('searches ids, names and aliases, best match first', () => {
    assert.deepEqual(searchWebhookProviders('stripe').map((entry) => entry.id), ['stripe']);
    assert.equal(searchWebhookProviders('Hygraph')[0]?.id, 'graphcms');
    assert.equal(searchWebhookProviders('launch darkly')[0]?.id, 'launch_darkly');
    assert.equal(searchWebhookProviders('frame.io')[0]?.id, 'frameio');
    assert.equal(searchWebhookProviders('Amazon')[0]?.id, 'sns');
    const facebook = searchWebhookProviders('face').map((entry) => entry.id);
    assert.deepEqual(facebook.slice(0, 2), ['facebook_graph_api', 'facebook_messenger']);
    assert.equal(searchWebhookProviders('').length, 69);
    assert.deepEqual(searchWebhookProviders('no such thing'), []);
  });

  it('suggests the intended provider for aliases and typos', () => {
    assert.equal(suggestWebhookProvider('signalsciences')?.id, 'signal_sciences');
    assert.equal(suggestWebhookProvider('sonatype_nexus')?.id, 'sonatype');
    assert.equal(suggestWebhookProvider('githib')?.id, 'github');
    assert.equal(suggestWebhookProvider('Microsoft Teams')?.id, 'microsoft_teams');
    assert.equal(suggestWebhookProvider('zzzzzzzz'), undefined);
    assert.equal(unknownProviderMessage('strpe'), '"strpe" is not a webhook provider ngrok can verify. Did you mean "stripe" (Stripe)?');
  });
});
