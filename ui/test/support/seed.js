// Data for the tests that look at every page: sources, consent types, resources, a deployed flow
// with a rule, a draft with problems, and events of a few profiles.

/** Creates the data through the admin API; returns the deployed flow, the draft and one profile id. */
export async function seed(cairn) {
  const plugins = (await cairn.api('/api/plugins')).items;
  const version = (name) => plugins.find((p) => p.name === name).version;
  const node = (id, plugin, kind, x, y, config = {}) => ({
    id,
    type: 'cairn',
    position: { x, y },
    data: {
      plugin: `@cairn/plugin-${plugin}`,
      version: version(`@cairn/plugin-${plugin}`),
      node: kind,
      config,
    },
  });
  const edge = (source, sourceHandle, target) => ({
    id: `${source}-${sourceHandle}-${target}`,
    source,
    sourceHandle,
    target,
    targetHandle: 'in',
  });
  await cairn.api('/api/sources', {
    json: { id: 'web', name: 'Website', type: 'javascript', allowedOrigins: ['https://shop.example.com'] },
  });
  await cairn.api('/api/sources', {
    json: { id: 'helpdesk', name: 'Helpdesk', type: 'webhook', config: { profilePath: 'customer.id' } },
  });
  await cairn.api('/api/consents', {
    json: { id: 'marketing-email', name: 'Marketing e-mail', description: 'News and offers by e-mail' },
  });
  await cairn.api('/api/consents', {
    json: { id: 'sms', name: 'SMS', description: 'Text messages', autoRevoke: 31536000 },
  });
  await cairn.api('/api/resources', {
    json: {
      type: 'smtp',
      name: 'Mail relay',
      production: {
        config: { host: 'smtp.example.com', port: 587, username: 'cairn', from: 'shop@example.com' },
        secrets: { password: 'not-a-real-one' },
      },
      test: { config: { host: '127.0.0.1', port: 2525 }, secrets: {} },
    },
  });
  await cairn.api('/api/resources', {
    json: {
      type: 'http-auth',
      name: 'Support desk token',
      production: { config: { scheme: 'bearer' }, secrets: { value: 'secret-token-value' } },
    },
  });
  const draft = {
    nodes: [
      node('start', 'logic', 'start', 0, 120),
      node('sentiment', 'sentiment', 'score-sentiment', 240, 120, {
        provider: 'local',
        text: 'event@properties.text',
      }),
      node('happy', 'logic', 'segment-add', 560, 0, { segment: 'happy-reviewers' }),
      node('rating', 'logic', 'set', 560, 140, {
        path: 'profile@traits.last_rating',
        value: 'event@properties.rating',
      }),
      node('support', 'webhook', 'call-webhook', 560, 300, {
        url: 'http://127.0.0.1:9/reviews',
        retries: 0,
        timeoutMs: 500,
      }),
      node('thanks', 'logic', 'set-response', 860, 60, {
        key: 'message',
        value: 'Thanks {{profile@traits.name}}!',
      }),
    ],
    edges: [
      edge('start', 'out', 'sentiment'),
      edge('sentiment', 'positive', 'happy'),
      edge('sentiment', 'positive', 'rating'),
      edge('sentiment', 'neutral', 'rating'),
      edge('sentiment', 'negative', 'support'),
      edge('happy', 'out', 'thanks'),
    ],
  };
  const flow = await cairn.api('/api/flows', { json: { name: 'Review follow-up', draft } });
  await cairn.api(`/api/flows/${flow.id}/deploy`, { method: 'POST' });
  await cairn.api('/api/rules', {
    json: { name: 'Reviews', eventType: 'review-submitted', flowId: flow.id },
  });
  const half = await cairn.api('/api/flows', {
    json: {
      name: 'Cart reminder (draft)',
      draft: {
        nodes: [node('start', 'logic', 'start', 0, 0), node('wait', 'logic', 'if', 260, 0)],
        edges: [],
      },
    },
  });
  const texts = [
    'Great shoes, love them',
    'Terrible fit, very disappointed',
    'ok',
    'Wonderful service and fast delivery',
    'Broken on arrival, awful',
  ];
  let profile;
  for (let i = 0; i < 24; i++) {
    const events = [
      { type: i % 3 === 0 ? 'purchase' : 'page-view', properties: { title: `Page ${i}`, total: 20 + i } },
    ];
    if (i % 4 === 0)
      events.push({ type: 'review-submitted', properties: { rating: (i % 5) + 1, text: texts[i % 5] } });
    const answer = await cairn.track({
      source: { id: 'web' },
      session: { id: `visit-${i % 6}` },
      ...(profile && i % 2 === 0 ? { profile: { id: profile } } : {}),
      context: { page: { url: `https://shop.example.com/p/${i}?utm_source=newsletter` } },
      events,
    });
    profile ??= answer.profile.id;
  }
  return { flow, half, profile };
}
