import { definePlugin } from '@cairn/sdk';
import { scoreSentiment } from './score-sentiment.js';

/** The built-in sentiment node: an offline lexicon or an AI provider, one verdict scale. */
export default definePlugin({
  name: '@cairn/plugin-sentiment',
  version: '0.1.0',
  title: 'Sentiment',
  description:
    'Scores the sentiment of texts with a bundled AFINN-165 lexicon or an OpenAI-compatible AI provider',
  cairn: '^0.1.0',
  nodes: [scoreSentiment],
});
