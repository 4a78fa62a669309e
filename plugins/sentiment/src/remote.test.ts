import type { ServerResponse } from 'node:http';
import type { Json } from '@cairn/sdk';
import { json, startEndpoint, type TestEndpoint } from '@cairn/sdk/testing';
import { expect } from 'chai';
import {
  DEFAULTS,
  review,
  type ScoreOptions,
  scoreSentiment,
  scoreSentimentFailing,
} from './test-support/plugin.js';

const API_KEY = 'sk-test-5d1e-never-in-a-result';
const LOCAL = { allow: ['127.0.0.1'] };

/** A chat completions answer whose first choice says `content`. */
function completion(response: ServerResponse, content: string): void {
  json(response, 200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
}

describe('score-sentiment with a remote AI provider', () => {
  let provider: TestEndpoint;
  beforeEach(async () => {
    provider = await startEndpoint();
  });
  afterEach(async () => {
    await provider.close();
  });

  const options = (text: Json | undefined, config: { [key: string]: unknown } = {}): ScoreOptions => ({
    event: review(text),
    http: LOCAL,
    resources: {
      assistant: {
        type: 'ai-provider',
        config: { baseUrl: `${provider.origin}/v1/`, model: 'mood-1' },
        secrets: { apiKey: API_KEY },
      },
    },
    config: { ...DEFAULTS, provider: 'remote', ai: 'assistant', ...config },
  });
  const score = (text: Json | undefined, config: { [key: string]: unknown } = {}) =>
    scoreSentiment(options(text, config));
  const errorOf = (result: Awaited<ReturnType<typeof score>>) => {
    expect(result.emissions.map((emission) => emission.port)).to.deep.equal(['error']);
    expect(result.logs.map((line) => line.level)).to.deep.equal(['error']);
    const [emission] = result.emissions;
    if (emission === undefined) expect.fail('no emission');
    return (emission.payload as { error: { code: string; message: string } }).error;
  };

  it('asks the chat completions endpoint with the model and the key, and routes by its verdict', async () => {
    provider.answer((_request, response) => completion(response, '{"label": "positive", "score": 0.8}'));
    const result = await score('Fast delivery, lovely staff', { saveTo: 'profile@traits.last_sentiment' });

    const [request] = provider.received;
    expect(request?.method).to.equal('POST');
    expect(request?.url).to.equal('/v1/chat/completions');
    expect(request?.headers.authorization).to.equal(`Bearer ${API_KEY}`);
    const body = JSON.parse(request?.body ?? '');
    expect(body.model).to.equal('mood-1');
    expect(body.response_format).to.deep.equal({ type: 'json_object' });
    expect(body.messages[0].role).to.equal('system');
    expect(body.messages[1]).to.deep.equal({ role: 'user', content: 'Fast delivery, lovely staff' });

    const verdict = { score: 0.8, label: 'positive', provider: 'remote' };
    expect(result.emissions).to.deep.equal([{ port: 'positive', payload: verdict }]);
    expect(result.operations).to.deep.equal([{ op: 'set', path: 'traits.last_sentiment', value: verdict }]);
    expect(JSON.stringify(result)).to.not.include(API_KEY);
  });

  it('routes the model score by the node thresholds, like the local provider', async () => {
    provider.answer((_request, response) => completion(response, '{"label": "positive", "score": 0.3}'));
    const result = await score('It was fine I guess', { positiveThreshold: 0.5 });
    expect(result.emissions).to.deep.equal([
      { port: 'neutral', payload: { score: 0.3, label: 'neutral', provider: 'remote' } },
    ]);
  });

  it('routes a negative verdict to negative', async () => {
    provider.answer((_request, response) =>
      completion(response, '{"label":"negative","score":-0.9,"reason":"angry"}'),
    );
    const result = await score('Never again');
    expect(result.emissions[0]).to.deep.equal({
      port: 'negative',
      payload: { score: -0.9, label: 'negative', provider: 'remote' },
    });
  });

  describe('goes to error with code invalid-answer', () => {
    it('when the label is not one of the three', async () => {
      provider.answer((_request, response) => completion(response, '{"label": "great", "score": 0.8}'));
      const result = await score('Lovely', { saveTo: 'profile@traits.last_sentiment' });
      expect(errorOf(result)).to.deep.equal({
        code: 'invalid-answer',
        message: `the model's label "great" is not positive, neutral or negative`,
      });
      expect(result.operations).to.deep.equal([]);
    });

    it('when the score is missing, not a number or outside -1..1', async () => {
      for (const content of [
        '{"label":"positive"}',
        '{"label":"positive","score":"0.8"}',
        '{"label":"positive","score":4}',
      ]) {
        provider.answer((_request, response) => completion(response, content));
        expect(errorOf(await score('Lovely')).code, content).to.equal('invalid-answer');
      }
    });

    it('when the label contradicts the sign of the score', async () => {
      provider.answer((_request, response) => completion(response, '{"label": "positive", "score": -0.7}'));
      expect(errorOf(await score('Lovely')).message).to.equal(
        "the model's label positive contradicts its score -0.7",
      );
    });

    it('when the verdict is prose or a JSON value other than an object', async () => {
      provider.answer((_request, response) => completion(response, 'I would say positive, about 0.8.'));
      expect(errorOf(await score('Lovely')).message).to.equal(
        `the model's verdict is not JSON: "I would say positive, about 0.8."`,
      );
      provider.answer((_request, response) => completion(response, '[0.8]'));
      expect(errorOf(await score('Lovely')).message).to.include('is not a JSON object');
    });

    it('when the answer is not JSON at all', async () => {
      provider.answer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>gateway</html>');
      });
      expect(errorOf(await score('Lovely'))).to.deep.equal({
        code: 'invalid-answer',
        message: `the AI provider's answer is not JSON: "<html>gateway</html>"`,
      });
    });

    it('when the answer has no message content', async () => {
      provider.answer((_request, response) => json(response, 200, { choices: [] }));
      expect(errorOf(await score('Lovely')).message).to.equal(
        "the AI provider's answer has no choices[0].message.content text",
      );
    });
  });

  it('goes to error with code timeout when the provider answers after timeoutMs', async () => {
    provider.answer((_request, response) => {
      setTimeout(() => completion(response, '{"label": "positive", "score": 0.8}'), 1500).unref();
    });
    expect(errorOf(await score('Lovely', { timeoutMs: 300 })).code).to.equal('timeout');
  });

  it('goes to error with the status and error code of a refusal, never the provider message', async () => {
    provider.answer((_request, response) =>
      json(response, 401, {
        error: {
          message: `Incorrect API key provided: ${API_KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    );
    const result = await score('Lovely');
    expect(errorOf(result)).to.deep.equal({
      code: 'provider-status',
      message: 'the AI provider answered 401 (invalid_api_key)',
    });
    expect(JSON.stringify(result)).to.not.include(API_KEY);
  });

  it('retries a 429 and scores with the answer that follows', async () => {
    provider.answer((_request, response, attempt) =>
      attempt === 1
        ? json(response, 429, { error: { code: 'rate_limit_exceeded' } })
        : completion(response, '{"label": "neutral", "score": 0}'),
    );
    const result = await score('The parcel came', { retries: 1 });
    expect(provider.received).to.have.length(2);
    expect(result.emissions[0]?.port).to.equal('neutral');
  });

  it('goes to error with request-failed when the provider address is not allowed, sending nothing', async () => {
    const result = await scoreSentiment({ ...options('Lovely'), http: {} });
    expect(errorOf(result).code).to.equal('request-failed');
    expect(provider.received).to.have.length(0);
  });

  it('does not call the provider when there is no text', async () => {
    const result = await score(undefined);
    expect(errorOf(result).code).to.equal('no-text');
    expect(provider.received).to.have.length(0);
  });

  it('fails naming the field when no ai-provider resource is usable', async () => {
    const none = await scoreSentimentFailing({
      ...options('Lovely'),
      config: { ...DEFAULTS, provider: 'remote' },
    });
    expect(none.message).to.include('ai: the remote provider needs an ai-provider resource');
    const unknown = await scoreSentimentFailing(options('Lovely', { ai: 'gone' }));
    expect(unknown.message).to.include("ai: resource 'gone' is not available to this flow");
    const noModel = await scoreSentimentFailing({
      ...options('Lovely'),
      resources: {
        assistant: {
          type: 'ai-provider',
          config: { baseUrl: provider.origin },
          secrets: { apiKey: API_KEY },
        },
      },
    });
    expect(noModel.message).to.include("ai: resource 'assistant' names no model");
    expect(provider.received).to.have.length(0);
  });
});
