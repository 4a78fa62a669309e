import { createHmac } from 'node:crypto';
import { json, startEndpoint, type TestEndpoint } from '@cairn/sdk/testing';
import { expect } from 'chai';
import { type CallOptions, callWebhook, callWebhookFailing } from './test-support/plugin.js';

const LOCAL = { allow: ['127.0.0.1'] };
const TOKEN = 'tok-3f9a-never-in-a-result';
const SIGNING_SECRET = 'whsec-71c2-never-in-a-result';

const ann = { id: 'profile-ann', traits: { name: 'Ann Lee', plan: 'pro' } };
const order = { id: 'event-7', type: 'order-paid', properties: { order_id: 'A-42', total: 99.5 } };

const resources = {
  'crm-token': { type: 'http-auth', config: { scheme: 'bearer' }, secrets: { value: TOKEN } },
  'crm-key': {
    type: 'http-auth',
    config: { scheme: 'header', header: 'X-Api-Key' },
    secrets: { value: TOKEN },
  },
  'hook-secret': { type: 'http-auth', config: { scheme: 'header' }, secrets: { value: SIGNING_SECRET } },
  mailer: { type: 'smtp', config: { host: 'smtp.example.com' }, secrets: { password: 'x' } },
};

describe('call-webhook', () => {
  let endpoint: TestEndpoint;
  beforeEach(async () => {
    endpoint = await startEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const config = (overrides: { [key: string]: unknown } = {}) => ({
    method: 'POST',
    url: `${endpoint.origin}/orders/{{event@properties.order_id}}?plan={{profile@traits.plan}}`,
    headers: { 'X-Customer': '{{profile@id}}' },
    body: {
      order: 'event@properties.order_id',
      total: 'event@properties.total',
      note: 'Paid by {{profile@traits.name}}',
    },
    timeoutMs: 2000,
    retries: 0,
    signatureHeader: 'X-Cairn-Signature',
    ...overrides,
  });
  const call = (overrides: { [key: string]: unknown } = {}, options: CallOptions = {}) =>
    callWebhook({
      event: order,
      profile: ann,
      http: LOCAL,
      resources,
      config: config(overrides),
      ...options,
    });

  describe('the request', () => {
    it('arrives with the rendered URL, headers and JSON body', async () => {
      endpoint.answer((_request, response) => json(response, 201, { received: true, id: 'r-1' }));
      const result = await call();

      const [request] = endpoint.received;
      expect(request?.method).to.equal('POST');
      expect(request?.url).to.equal('/orders/A-42?plan=pro');
      expect(request?.headers['x-customer']).to.equal('profile-ann');
      expect(request?.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(request?.body ?? '')).to.deep.equal({
        order: 'A-42',
        total: 99.5,
        note: 'Paid by Ann Lee',
      });
      expect(result.emissions).to.have.length(1);
      expect(result.emissions[0]?.port).to.equal('response');
      expect(result.emissions[0]?.payload).to.include({ status: 201 });
      expect(result.emissions[0]?.payload).to.deep.include({ body: { received: true, id: 'r-1' } });
    });

    it('sends a GET without a body or content-type, whatever the body template says', async () => {
      await call({ method: 'GET' });
      const [request] = endpoint.received;
      expect(request?.method).to.equal('GET');
      expect(request?.body).to.equal('');
      expect(request?.headers).to.not.have.property('content-type');
    });

    it('keeps a content-type the operator set', async () => {
      await call({ headers: { 'Content-Type': 'application/vnd.acme+json' } });
      expect(endpoint.received[0]?.headers['content-type']).to.equal('application/vnd.acme+json');
    });

    it('sends the whole payload when the body template is payload@', async () => {
      await call({ body: 'payload@' }, { payload: { score: 0.8, tags: ['vip'] } });
      expect(JSON.parse(endpoint.received[0]?.body ?? '')).to.deep.equal({ score: 0.8, tags: ['vip'] });
    });
  });

  describe('credentials', () => {
    it('gets the bearer token of the auth resource from the server, and never shows it to the flow', async () => {
      const result = await call({ auth: 'crm-token' });
      expect(endpoint.received[0]?.headers.authorization).to.equal(`Bearer ${TOKEN}`);
      expect(JSON.stringify(result)).to.not.include(TOKEN);
    });

    it('gets an API-key header from a header-scheme resource', async () => {
      await call({ auth: 'crm-key' });
      expect(endpoint.received[0]?.headers['x-api-key']).to.equal(TOKEN);
    });

    it('signs the exact body with the signing secret so the receiver can verify it', async () => {
      const result = await call({ signature: 'hook-secret', signatureHeader: 'X-Acme-Signature' });
      const [request] = endpoint.received;
      const expected = createHmac('sha256', SIGNING_SECRET)
        .update(request?.body ?? '')
        .digest('hex');
      expect(request?.headers['x-acme-signature']).to.equal(`sha256=${expected}`);
      expect(JSON.stringify(result)).to.not.include(SIGNING_SECRET);
    });

    it('signs and authenticates one request with two resources', async () => {
      await call({ auth: 'crm-token', signature: 'hook-secret' });
      const [request] = endpoint.received;
      expect(request?.headers.authorization).to.equal(`Bearer ${TOKEN}`);
      const expected = createHmac('sha256', SIGNING_SECRET)
        .update(request?.body ?? '')
        .digest('hex');
      expect(request?.headers['x-cairn-signature']).to.equal(`sha256=${expected}`);
    });

    it('refuses a header the credential would replace, before sending anything', async () => {
      const failure = await callWebhookFailing({
        event: order,
        http: LOCAL,
        resources,
        config: config({ auth: 'crm-token', headers: { Authorization: 'Bearer {{profile@traits.token}}' } }),
      });
      expect(failure.code).to.equal('plugin-error');
      expect(failure.message).to.include('headers.authorization: the auth resource sets this header');
      expect(endpoint.received).to.have.length(0);
    });

    it('fails naming the field when the auth resource does not exist or has another type', async () => {
      const missing = await callWebhookFailing({ http: LOCAL, resources, config: config({ auth: 'gone' }) });
      expect(missing.message).to.include("auth: resource 'gone' is not available to this flow");
      const smtp = await callWebhookFailing({
        http: LOCAL,
        resources,
        config: config({ signature: 'mailer' }),
      });
      expect(smtp.message).to.include("signature: resource 'mailer' is a smtp resource");
      expect(endpoint.received).to.have.length(0);
    });
  });

  describe('answers', () => {
    it('retries a 503 and goes to response with the 200 that follows', async () => {
      endpoint.answer((_request, response, attempt) =>
        attempt === 1 ? json(response, 503, { busy: true }) : json(response, 200, { ok: true }),
      );
      const result = await call({ retries: 2 });
      expect(endpoint.received).to.have.length(2);
      expect(endpoint.received[1]?.body).to.equal(endpoint.received[0]?.body);
      expect(result.emissions.map((emission) => emission.port)).to.deep.equal(['response']);
      expect(result.emissions[0]?.payload).to.deep.include({ status: 200, body: { ok: true } });
    });

    it('goes to error with the last answer when every attempt gets a 5xx', async () => {
      endpoint.answer((_request, response) => json(response, 502, { upstream: 'down' }));
      const result = await call({ retries: 1 });
      expect(endpoint.received).to.have.length(2);
      const [emission] = result.emissions;
      expect(emission?.port).to.equal('error');
      expect(emission?.payload).to.deep.include({
        error: { code: 'http-status', message: `POST ${endpoint.origin}/orders/A-42 answered 502` },
      });
      expect(emission?.payload).to.have.nested.property('response.status', 502);
      expect(emission?.payload).to.have.deep.nested.property('response.body', { upstream: 'down' });
    });

    it('sends a 4xx to error at once, without retrying, with the endpoint answer', async () => {
      endpoint.answer((_request, response) => json(response, 422, { error: 'order unknown' }));
      const result = await call({ retries: 3 });
      expect(endpoint.received).to.have.length(1);
      const [emission] = result.emissions;
      expect(emission?.port).to.equal('error');
      expect(emission?.payload).to.have.nested.property('error.code', 'http-status');
      expect(emission?.payload).to.have.nested.property('response.status', 422);
      expect(emission?.payload).to.have.deep.nested.property('response.body', { error: 'order unknown' });
      expect(result.logs.map((line) => line.level)).to.deep.equal(['error']);
    });

    it('sends a redirect to error, saying where it pointed', async () => {
      endpoint.answer((_request, response) => {
        response.writeHead(302, { location: 'https://elsewhere.example/' });
        response.end();
      });
      const result = await call();
      expect(result.emissions[0]?.port).to.equal('error');
      expect(result.emissions[0]?.payload).to.have.nested.property(
        'error.message',
        `POST ${endpoint.origin}/orders/A-42 answered 302 (redirect to https://elsewhere.example/, not followed)`,
      );
    });

    it('keeps a body that is not JSON as text', async () => {
      endpoint.answer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('accepted');
      });
      const result = await call();
      expect(result.emissions[0]?.payload).to.deep.include({ status: 200, body: 'accepted' });
    });

    it('goes to error when a body that says it is JSON does not parse', async () => {
      endpoint.answer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok": tru');
      });
      const result = await call();
      expect(result.emissions[0]?.port).to.equal('error');
      expect(result.emissions[0]?.payload).to.have.nested.property('error.code', 'invalid-response');
      expect(result.emissions[0]?.payload).to.have.nested.property('response.body', '{"ok": tru');
    });
  });

  describe('failures', () => {
    it('goes to error with code timeout when the endpoint answers too slowly', async () => {
      endpoint.answer((_request, response) => {
        setTimeout(() => json(response, 200, { late: true }), 1500).unref();
      });
      const result = await call({ timeoutMs: 300 });
      const [emission] = result.emissions;
      expect(emission?.port).to.equal('error');
      expect(emission?.payload).to.have.nested.property('error.code', 'timeout');
      expect(result.logs[0]?.message).to.match(
        /^POST http:\/\/127\.0\.0\.1:\d+\/orders\/A-42 failed \(timeout\)/,
      );
    });

    it('refuses a private address the operator did not allow, and sends nothing', async () => {
      const result = await call({}, { http: {} });
      expect(endpoint.received).to.have.length(0);
      const [emission] = result.emissions;
      expect(emission?.port).to.equal('error');
      expect(emission?.payload).to.have.nested.property('error.code', 'request-failed');
      expect(emission?.payload).to.have.nested.property('error.message').that.includes('127.0.0.1');
    });

    it('goes to error when nothing listens at the address', async () => {
      const { origin } = endpoint;
      await endpoint.close();
      endpoint = await startEndpoint();
      const result = await call({ url: `${origin}/gone` });
      expect(result.emissions[0]?.port).to.equal('error');
      expect(result.emissions[0]?.payload).to.have.nested.property('error.code', 'request-failed');
    });

    it('fails naming the field when a header name is not a valid name', async () => {
      const failure = await callWebhookFailing({
        http: LOCAL,
        config: config({ headers: { 'X Customer': '{{profile@id}}' } }),
      });
      expect(failure.message).to.include('headers.X Customer: not a valid header name');
      expect(endpoint.received).to.have.length(0);
    });

    it('fails naming the field when a template is malformed', async () => {
      const failure = await callWebhookFailing({
        http: LOCAL,
        config: config({ url: `${endpoint.origin}/{{event@properties.order_id` }),
      });
      expect(failure.code).to.equal('plugin-error');
      expect(failure.message).to.include("url: unclosed '{{'");
    });
  });
});
