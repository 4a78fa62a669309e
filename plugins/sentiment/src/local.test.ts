import type { Json } from '@cairn/sdk';
import { expect } from 'chai';
import { DEFAULTS, review, scoreSentiment, scoreSentimentFailing } from './test-support/plugin.js';

const score = (text: Json | undefined, config: { [key: string]: unknown } = {}) =>
  scoreSentiment({ event: review(text), config: { ...DEFAULTS, ...config } });

describe('score-sentiment with the local lexicon', () => {
  it('routes praise to positive with the AFINN sum normalised to -1..1', async () => {
    // love +3, amazing +4: 7 / √(7² + 15) = 0.875
    const result = await score('I love this product, it is amazing');
    expect(result.emissions).to.deep.equal([
      { port: 'positive', payload: { score: 0.875, label: 'positive', provider: 'local' } },
    ]);
    expect(result.operations).to.deep.equal([]);
    expect(result.logs.map((line) => line.message)).to.deep.equal(['positive (0.875) by the local provider']);
  });

  it('routes a complaint to negative', async () => {
    // broken −1: −1 / √(1 + 15) = −0.25
    const result = await score('The delivery was late and the box arrived broken');
    expect(result.emissions).to.deep.equal([
      { port: 'negative', payload: { score: -0.25, label: 'negative', provider: 'local' } },
    ]);
  });

  it('routes a text without rated words to neutral with score 0', async () => {
    const result = await score('The parcel arrived on Tuesday');
    expect(result.emissions).to.deep.equal([
      { port: 'neutral', payload: { score: 0, label: 'neutral', provider: 'local' } },
    ]);
  });

  it('flips a word after a negator and rates emoji', async () => {
    const negated = await score('This is not good');
    expect(negated.emissions[0]).to.deep.equal({
      port: 'negative',
      payload: { score: -0.6124, label: 'negative', provider: 'local' },
    });
    const emoji = await score('Thanks 😀');
    expect(emoji.emissions[0]?.payload).to.deep.include({ score: 0.7184, label: 'positive' });
  });

  it('does not read the word "constructor" as a negator', async () => {
    const result = await score('A constructor friendly design');
    expect(result.emissions[0]?.payload).to.deep.include({ score: 0.4588, label: 'positive' });
  });

  it('routes by the thresholds the operator set', async () => {
    const result = await score('I love this product, it is amazing', { positiveThreshold: 0.9 });
    expect(result.emissions[0]?.port).to.equal('neutral');
    const lenient = await score('The delivery was late and the box arrived broken', {
      negativeThreshold: -0.5,
    });
    expect(lenient.emissions[0]?.port).to.equal('neutral');
  });

  it('scores a text template built from several fields', async () => {
    const result = await scoreSentiment({
      event: {
        id: 'e1',
        type: 'ticket',
        properties: { subject: 'Awful', body: 'Still waiting for a refund' },
      },
      config: { ...DEFAULTS, text: '{{event@properties.subject}}. {{event@properties.body}}' },
    });
    expect(result.emissions[0]?.port).to.equal('negative');
  });

  it('saves the verdict to the profile field named by saveTo', async () => {
    const result = await score('I love this product, it is amazing', {
      saveTo: 'profile@traits.last_sentiment',
    });
    expect(result.operations).to.deep.equal([
      {
        op: 'set',
        path: 'traits.last_sentiment',
        value: { score: 0.875, label: 'positive', provider: 'local' },
      },
    ]);
  });

  it('goes to error with code no-text when the text is missing, empty or not text', async () => {
    for (const [text, found] of [
      [undefined, 'missing'],
      ['   ', 'empty'],
      [42, 'a number, not text'],
    ] as const) {
      const result = await score(text, { saveTo: 'profile@traits.last_sentiment' });
      expect(result.emissions).to.deep.equal([
        {
          port: 'error',
          payload: {
            error: { code: 'no-text', message: `text: event@properties.text is ${found}; nothing to score` },
          },
        },
      ]);
      expect(result.operations).to.deep.equal([]);
      expect(result.logs.map((line) => line.level)).to.deep.equal(['error']);
    }
  });

  it('fails naming the field when saveTo is not a profile field', async () => {
    const failure = await scoreSentimentFailing({
      event: review('good'),
      config: { ...DEFAULTS, saveTo: 'event@x' },
    });
    expect(failure.code).to.equal('plugin-error');
    expect(failure.message).to.include("saveTo: 'event@x' is not a profile field");
    const indexed = await scoreSentimentFailing({
      event: review('good'),
      config: { ...DEFAULTS, saveTo: 'profile@traits.moods[0]' },
    });
    expect(indexed.message).to.include('saveTo:');
  });

  it('fails when the negative threshold lies above the positive one', async () => {
    const failure = await scoreSentimentFailing({
      event: review('good'),
      config: { ...DEFAULTS, positiveThreshold: -0.2, negativeThreshold: 0.2 },
    });
    expect(failure.message).to.include('negativeThreshold: 0.2 lies above positiveThreshold -0.2');
  });
});
