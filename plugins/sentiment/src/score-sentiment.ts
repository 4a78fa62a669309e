import { defineNode } from '@cairn/sdk';
import { sentimentConfig } from './config.js';
import { profilePath, readText } from './inputs.js';
import { lexiconScore } from './lexicon.js';
import { notationContext } from './notation-context.js';
import { aiProvider, remoteScore, type ScoringFailure } from './remote.js';
import { checkThresholds, verdict } from './verdict.js';

/** Scores the sentiment of a text and routes the payload by the verdict. */
export const scoreSentiment = defineNode({
  id: 'score-sentiment',
  title: 'Score sentiment',
  description:
    'Scores a text from -1 to 1 with the bundled AFINN-165 lexicon or an OpenAI-compatible AI provider and routes it to positive, neutral or negative',
  category: 'data',
  icon: 'smile',
  inputs: ['in'],
  outputs: ['positive', 'neutral', 'negative', 'error'],
  config: sentimentConfig,
  // Only the AI provider's base URL is reached, which the resource allows; nothing else.
  // The result goes where the operator's `target` config says, so any profile path.
  permissions: { http: { hosts: [] }, profile: { write: ['*'] } },
  resources: ['ai-provider'],
  async run(ctx) {
    const { config } = ctx;
    checkThresholds(config);
    const target = config.saveTo === undefined ? undefined : profilePath(config.saveTo);
    const provider =
      config.provider === 'remote'
        ? aiProvider(config.ai, config.ai ? ctx.resources.get(config.ai) : undefined)
        : undefined;

    const read = readText(config.text, notationContext(ctx));
    let outcome: { score: number } | ScoringFailure;
    if ('missing' in read)
      outcome = { error: { code: 'no-text', message: `${read.missing}; nothing to score` } };
    else if (provider === undefined) outcome = { score: lexiconScore(read.text) };
    else outcome = await remoteScore((url, init) => ctx.http.fetch(url, init), provider, read.text, config);

    if ('error' in outcome) {
      ctx.log.error(`${config.provider} scoring failed (${outcome.error.code}): ${outcome.error.message}`);
      return ctx.emit('error', outcome);
    }
    const result = verdict(outcome.score, config.provider, config);
    if (target !== undefined) ctx.profile.set(target, result);
    ctx.log.info(`${result.label} (${result.score}) by the ${config.provider} provider`);
    return ctx.emit(result.label, result);
  },
});
