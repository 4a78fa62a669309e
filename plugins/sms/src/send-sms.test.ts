import type { JsonObject, NodeRunResult } from '@cairn/sdk';
import { SandboxError } from '@cairn/sdk/testing';
import { expect } from 'chai';
import { sendSms } from './test-support/plugin.js';
import { FakeTwilio, twilioError } from './test-support/twilio-server.js';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-token-9c1e';

const ann = (data: JsonObject = {}, consents: JsonObject = { sms: { revoke: null } }) => ({
  id: 'profile-ann',
  data: { pii: { firstname: 'Ann' }, contact: { phone: { mobile: '+48 601 234 567' } }, ...data },
  consents,
});

const shipped = { id: 'event-1', type: 'order-shipped', properties: { order: 'A-1042' } };

type Failure = { code: string; message: string; status?: number; providerCode?: number; moreInfo?: string };

/** The payload of the one emission of a run, which must be on `port`. */
function payloadOf(result: NodeRunResult, port: string): { [key: string]: unknown } {
  expect(result.emissions.map((emission) => emission.port)).to.deep.equal([port]);
  return result.emissions[0]!.payload as { [key: string]: unknown };
}

/** The failure a run routed to `error`. */
function failureOf(result: NodeRunResult): Failure {
  return payloadOf(result, 'error').error as Failure;
}

describe('send-sms', () => {
  const twilio = new FakeTwilio({ sid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  before(() => twilio.start());
  after(() => twilio.stop());
  afterEach(() => twilio.script());

  type Account = { type: string; config: JsonObject; secrets: Record<string, string> };
  const account = (config: JsonObject = {}, authToken = AUTH_TOKEN): Account => ({
    type: 'twilio',
    config: { accountSid: ACCOUNT_SID, from: '+15005550006', baseUrl: twilio.baseUrl, ...config },
    secrets: { authToken },
  });
  const config = (overrides: JsonObject = {}): JsonObject => ({
    account: 'sms-account',
    to: '{{profile@data.contact.phone.mobile}}',
    message: 'Hi {{profile@data.pii.firstname}}, order {{event@properties.order}} has shipped.',
    consent: 'sms',
    retries: 2,
    ...overrides,
  });
  const send = (options: Omit<Parameters<typeof sendSms>[0], 'resources'>, resource: Account = account()) =>
    sendSms({ event: shipped, resources: { 'sms-account': resource }, ...options });

  /** Runs `act` and returns its result with the requests the provider received meanwhile. */
  async function requestsOf(act: () => Promise<NodeRunResult>) {
    const before = twilio.received.length;
    const result = await act();
    return { result, requests: twilio.received.slice(before) };
  }

  describe('when the profile consented', () => {
    it('posts the form to the Messages API with basic auth and emits the new sid', async () => {
      const { result, requests } = await requestsOf(() => send({ profile: ann(), config: config() }));

      expect(requests).to.have.length(1);
      const [request] = requests;
      expect(request?.method).to.equal('POST');
      expect(request?.path).to.equal(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
      expect(request?.headers.authorization).to.equal(
        `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
      );
      expect(request?.headers['content-type']).to.equal('application/x-www-form-urlencoded');
      expect(request?.form).to.deep.equal({
        To: '+48601234567',
        From: '+15005550006',
        Body: 'Hi Ann, order A-1042 has shipped.',
      });
      expect(result.emissions).to.deep.equal([
        {
          port: 'sent',
          payload: { sid: twilio.created.at(-1), status: 'queued', to: '+48601234567', from: '+15005550006' },
        },
      ]);
    });

    it('never shows the auth token to the flow', async () => {
      const result = await send({ profile: ann(), config: config() });
      expect(result.emissions[0]?.port).to.equal('sent');
      expect(JSON.stringify(result)).to.not.contain(AUTH_TOKEN);
    });

    it('sends the rendered text exactly, whatever characters it holds', async () => {
      const text = 'Zażółć 50% & more = "deals" + 1 (today!) ~ ok\nsee *you* 🎉';
      const { requests } = await requestsOf(() =>
        send({ profile: ann(), payload: { text }, config: config({ message: '{{payload@text}}' }) }),
      );
      expect(requests[0]?.form.Body).to.equal(text);
    });

    it("uses the node's sender over the account's", async () => {
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann(), config: config({ from: 'CairnShop' }) }),
      );
      expect(requests[0]?.form.From).to.equal('CairnShop');
      expect(payloadOf(result, 'sent').from).to.equal('CairnShop');
    });

    it('texts a number from the event, checked against the consent the node names', async () => {
      const { result, requests } = await requestsOf(() =>
        send({
          profile: ann({}, { 'order-updates': { revoke: null } }),
          event: { ...shipped, properties: { ...shipped.properties, phone: '+1 (415) 555-0100' } },
          config: config({ to: '{{event@properties.phone}}', consent: 'order-updates' }),
        }),
      );
      expect(result.emissions[0]?.port).to.equal('sent');
      expect(requests[0]?.form.To).to.equal('+14155550100');
    });
  });

  describe('when the provider is busy or failing', () => {
    it('retries a 429 and sends once the provider accepts', async () => {
      twilio.script({
        status: 429,
        headers: { 'retry-after': '0' },
        body: twilioError(20429, 'Too Many Requests', 429),
      });
      const { result, requests } = await requestsOf(() => send({ profile: ann(), config: config() }));
      expect(requests).to.have.length(2);
      expect(requests[1]?.form).to.deep.equal(requests[0]?.form);
      expect(result.emissions[0]?.port).to.equal('sent');
      expect(payloadOf(result, 'sent').sid).to.match(/^SM[0-9a-f]{32}$/);
    });

    it('gives up after the configured number of retries and routes the last answer to error', async () => {
      const unavailable = { status: 503, body: twilioError(20503, 'Service Unavailable', 503) };
      twilio.script(unavailable, unavailable, unavailable, unavailable);
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann(), config: config({ retries: 1 }) }),
      );
      expect(requests).to.have.length(2);
      expect(result.emissions[0]?.port).to.equal('error');
      expect(failureOf(result)).to.deep.include({
        code: 'provider-error',
        status: 503,
        message: 'Service Unavailable',
      });
    });

    it('does not repeat an attempt that ran out of time, since the provider may have received it', async () => {
      twilio.script({ status: 201, delayMs: 3500, body: { sid: 'SMlate', status: 'queued' } });
      const { result, requests } = await requestsOf(() => send({ profile: ann(), config: config() }));
      expect(requests).to.have.length(1);
      expect(failureOf(result).code).to.equal('request-failed');
    });

    it('sends exactly one request when retries are 0', async () => {
      twilio.script({ status: 500, body: twilioError(20500, 'Internal Server Error', 500) });
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann(), config: config({ retries: 0 }) }),
      );
      expect(requests).to.have.length(1);
      expect(result.emissions[0]?.port).to.equal('error');
    });
  });

  describe('when the provider refuses the message', () => {
    it("routes a 400 to error with the status and the provider's code and message, without retrying", async () => {
      const message = "The 'To' number +48601234567 is not a valid mobile number.";
      twilio.script({ status: 400, body: twilioError(21614, message, 400) });
      const { result, requests } = await requestsOf(() => send({ profile: ann(), config: config() }));

      expect(requests).to.have.length(1);
      expect(result.emissions).to.deep.equal([
        {
          port: 'error',
          payload: {
            error: {
              code: 'provider-error',
              status: 400,
              message,
              providerCode: 21614,
              moreInfo: 'https://www.twilio.com/docs/errors/21614',
            },
            to: '+48601234567',
          },
        },
      ]);
      expect(result.logs.map(({ level, message: line }) => ({ level, line }))).to.deep.equal([
        { level: 'error', line: `not sent: 400 ${message}` },
      ]);
    });

    it('routes a refused login to error, without the token', async () => {
      const result = await send({ profile: ann(), config: config() }, account({}, 'wrong-token'));
      const error = failureOf(result);
      expect(result.emissions[0]?.port).to.equal('error');
      expect(error).to.deep.include({ code: 'provider-error', status: 401, message: 'Authenticate' });
      expect(JSON.stringify(result)).to.not.contain('wrong-token');
    });

    it('routes a success without a message sid to error, since delivery cannot be confirmed', async () => {
      twilio.script({ status: 201, body: { status: 'queued' } });
      const result = await send({ profile: ann(), config: config() });
      expect(result.emissions[0]?.port).to.equal('error');
      expect(failureOf(result)).to.deep.include({
        code: 'invalid-response',
        status: 201,
      });
    });

    it('routes an unreachable provider to error', async () => {
      const result = await send(
        { profile: ann(), config: config({ retries: 0 }) },
        account({ baseUrl: 'http://127.0.0.1:1' }),
      );
      expect(result.emissions[0]?.port).to.equal('error');
      expect(failureOf(result).code).to.equal('request-failed');
    });
  });

  describe('without consent', () => {
    it('routes to no-consent and sends nothing when the profile lacks the consent', async () => {
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann({}, { 'marketing-email': { revoke: null } }), config: config() }),
      );
      expect(requests).to.deep.equal([]);
      expect(result.emissions).to.deep.equal([{ port: 'no-consent', payload: { consent: 'sms' } }]);
    });

    it('routes to no-consent when the event has no profile', async () => {
      const { result, requests } = await requestsOf(() => send({ profile: null, config: config() }));
      expect(requests).to.deep.equal([]);
      expect(result.emissions[0]?.port).to.equal('no-consent');
    });
  });

  describe('with a number that cannot be texted', () => {
    const cases: [string, string][] = [
      ['', 'missing'],
      ['601 234 567', 'not-international'],
      ['+48 601', 'invalid'],
      ['+1 111 555 0100', 'invalid'],
      ['+1 415 555 0100 ext. 2', 'invalid'],
      ['+48601234567, +48601234568', 'invalid'],
    ];
    for (const [mobile, reason] of cases) {
      it(`routes '${mobile}' to invalid-number as ${reason}, sending nothing`, async () => {
        const { result, requests } = await requestsOf(() =>
          send({ profile: ann({ contact: { phone: { mobile } } }), config: config() }),
        );
        expect(requests).to.deep.equal([]);
        expect(result.emissions).to.deep.equal([{ port: 'invalid-number', payload: { to: mobile, reason } }]);
      });
    }
  });

  describe('without what a message needs', () => {
    it('routes a missing sender to error, sending nothing', async () => {
      const { from: _from, ...withoutSender } = account().config;
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann(), config: config() }, { ...account(), config: withoutSender }),
      );
      expect(requests).to.deep.equal([]);
      expect(failureOf(result).code).to.equal('no-sender');
    });

    it('routes a text that rendered empty to error, sending nothing', async () => {
      const { result, requests } = await requestsOf(() =>
        send({ profile: ann(), config: config({ message: '{{payload@text}}' }) }),
      );
      expect(requests).to.deep.equal([]);
      expect(failureOf(result).code).to.equal('empty-message');
    });

    it('routes an account that is not a twilio resource to error', async () => {
      const result = await send({ profile: ann(), config: config({ account: 'missing' }) });
      expect(failureOf(result)).to.deep.include({ code: 'no-account' });
    });

    it('fails with the field and column of a malformed template', async () => {
      const error = await send({ profile: ann(), config: config({ message: 'Hi {{ }}' }) }).then(
        () => expect.fail('the node ran'),
        (thrown: unknown) => thrown,
      );
      expect(error).to.be.instanceOf(SandboxError);
      expect((error as SandboxError).code).to.equal('plugin-error');
      expect((error as SandboxError).message).to.contain('message: empty placeholder at column 4');
    });
  });
});
