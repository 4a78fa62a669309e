import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const LOGIC = { plugin: '@cairn/plugin-logic', version: '0.1.0' };
const node = (id: string, name: string, config: Record<string, unknown> = {}) => ({
  id,
  type: 'cairn',
  position: { x: 0, y: 0 },
  data: { ...LOGIC, node: name, config },
});
const edge = (source: string, sourceHandle: string, target: string) => ({
  id: `${source}-${sourceHandle}-${target}`,
  source,
  sourceHandle,
  target,
  targetHandle: 'in',
});

const [sqlite] = testDialects();

describe('built-in logic plugin in a deployed flow', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(sqlite!);
    await server.request('/api/sources', { admin: true, json: { id: 'shop', name: 'Shop', type: 'rest' } });
  });
  after(() => server.stop());

  it('is installed with the server and routes, sets, counts and answers through dot notation', async () => {
    const plugins = (await (await server.request('/api/plugins', { admin: true })).json()) as any;
    expect(plugins.items.map((p: { name: string }) => p.name)).to.include('@cairn/plugin-logic');

    const draft = {
      nodes: [
        node('start', 'start'),
        node('rated', 'if', { condition: 'event@properties.rating >= 4 AND exists(event@properties.text)' }),
        node('remember', 'set', { path: 'profile@traits.last_review', value: 'event@properties.text' }),
        node('count', 'increment', { path: 'profile@stats.counters.good_reviews', by: 1 }),
        node('answer', 'set-response', { key: 'message', value: 'Thanks for "{{event@properties.text}}"' }),
        node('unhappy', 'segment-add', { segment: 'unhappy' }),
      ],
      edges: [
        edge('start', 'out', 'rated'),
        edge('rated', 'true', 'remember'),
        edge('remember', 'out', 'count'),
        edge('count', 'out', 'answer'),
        edge('rated', 'false', 'unhappy'),
      ],
    };
    const created = (await (
      await server.request('/api/flows', { admin: true, json: { name: 'Reviews', draft } })
    ).json()) as any;
    expect(created.validation.errors).to.deep.equal([]);
    await server.request(`/api/flows/${created.id}/deploy`, { admin: true, method: 'POST' });
    await server.request('/api/rules', {
      admin: true,
      json: { name: 'reviews', eventType: 'review', flowId: created.id },
    });

    const send = async (properties: Record<string, unknown>, profile?: { id: string }) =>
      (await (
        await server.request('/track', {
          json: {
            source: { id: 'shop' },
            ...(profile ? { profile } : {}),
            events: [{ type: 'review', properties }],
          },
        })
      ).json()) as any;

    const good = await send({ rating: 5, text: 'Great boots' });
    expect(good.errors).to.deep.equal([]);
    expect(good.response).to.deep.equal({ message: 'Thanks for "Great boots"' });
    await send({ rating: 4, text: 'Warm socks' }, good.profile);
    const bad = await send({ rating: 1, text: 'Too small' }, good.profile);
    expect(bad.response).to.deep.equal({});

    const profile = (await (
      await server.request(`/api/profiles/${good.profile.id}`, { admin: true })
    ).json()) as any;
    expect(profile.traits).to.deep.equal({ last_review: 'Warm socks' });
    expect(profile.stats.counters).to.deep.equal({ good_reviews: 2 });
    expect(profile.segments).to.deep.equal(['unhappy']);
  });
});
