import { expect } from 'chai';
import { testDialects } from '../test-support/databases.js';
import { edge, kitNode, testKitEnv } from '../test-support/plugins.js';
import { freePort } from '../test-support/ports.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const [sqlite] = testDialects();

/** The value of one sample line, e.g. `cairn_events_received_total{source="web",type="page-view"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and request logs', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(sqlite!, await testKitEnv());
    await server.request('/api/sources', { admin: true, json: { id: 'web', name: 'Web', type: 'rest' } });
    const draft = {
      nodes: [
        kitNode('start', 'start'),
        kitNode('gate', 'gate', { min: 4 }),
        kitNode('bump', 'bump', { path: 'stats.counters.n', segment: 's' }),
      ],
      edges: [edge('start', 'out', 'gate'), edge('gate', 'pass', 'bump')],
    };
    const flow = (await (
      await server.request('/api/flows', { admin: true, json: { name: 'm', draft } })
    ).json()) as any;
    await server.request(`/api/flows/${flow.id}/deploy`, { admin: true, method: 'POST' });
    await server.request('/api/rules', {
      admin: true,
      json: { name: 'm', eventType: 'review', flowId: flow.id },
    });
  });
  after(() => server.stop());

  it('counts received and processed events, node and flow time, and HTTP latency by route', async () => {
    await server.request('/track', {
      json: {
        source: { id: 'web' },
        events: [{ type: 'page-view' }, { type: 'review', properties: { rating: 5 } }],
      },
    });
    const unauthorised = await server.request('/metrics');
    expect(unauthorised.status).to.equal(401);
    const response = await server.request('/metrics', { admin: true });
    expect(response.headers.get('content-type')).to.contain('text/plain');
    const text = await response.text();
    expect(sample(text, 'cairn_events_received_total{source="web",type="page-view"}')).to.equal(1);
    expect(sample(text, 'cairn_events_received_total{source="web",type="review"}')).to.equal(1);
    expect(
      sample(text, 'cairn_events_processed_total{source="web",type="review",status="processed"}'),
    ).to.equal(1);
    expect(
      sample(text, 'cairn_node_duration_seconds_count{plugin="@cairn/plugin-test-kit",node="bump"}'),
    ).to.equal(1);
    expect(text).to.match(/^cairn_flow_duration_seconds_count\{flow="[0-9a-f-]+"\} 1$/m);
    expect(
      sample(text, 'cairn_http_request_duration_seconds_count{method="POST",route="/track",status="200"}'),
    ).to.equal(1);

    // A second event records in the same series, not in a new one.
    await server.request('/track', {
      json: { source: { id: 'web' }, events: [{ type: 'review', properties: { rating: 4 } }] },
    });
    const again = await (await server.request('/metrics', { admin: true })).text();
    expect(
      sample(again, 'cairn_node_duration_seconds_count{plugin="@cairn/plugin-test-kit",node="bump"}'),
    ).to.equal(2);
    expect(again).to.match(/^cairn_flow_duration_seconds_count\{flow="[0-9a-f-]+"\} 2$/m);
    expect(sample(text, 'cairn_sandbox_restarts_total')).to.equal(0);
  });

  it('answers with a request id: the caller’s when it sent one, else a new one', async () => {
    const given = await server.request('/healthz', { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).to.equal('req-123');
    const made = await server.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('serves /metrics without the token on a separate port when one is configured', async () => {
    const port = await freePort();
    const separate = await startTestServer(sqlite!, { CAIRN_METRICS_PORT: String(port) });
    try {
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scraped.status).to.equal(200);
      expect(await scraped.text()).to.contain('cairn_events_received_total');
      expect((await separate.request('/metrics', { admin: true })).status, 'not on the main port').to.equal(
        404,
      );
    } finally {
      await separate.stop();
    }
  });
});
