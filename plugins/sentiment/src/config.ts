import { Resource } from '@cairn/sdk';
import {
  Integer,
  Literal,
  Optional,
  Number as TNumber,
  Object as TObject,
  String as TString,
  Union,
} from '@sinclair/typebox';

/** The config of `score-sentiment`, written once: the editor's form, the server's validation and `ctx.config`. */
export const sentimentConfig = TObject({
  provider: Union([Literal('local'), Literal('remote')], {
    default: 'local',
    description:
      'local: the AFINN-165 lexicon bundled in the plugin (offline, no setup); remote: an OpenAI-compatible AI provider',
  }),
  ai: Optional(
    Resource('ai-provider', {
      title: 'AI provider',
      description:
        'For the remote provider: base URL, model and API key; the server adds the key to the request',
    }),
  ),
  text: TString({
    minLength: 1,
    default: 'event@properties.text',
    description:
      'What to score: a reference such as event@properties.text, or a text template such as {{event@properties.title}}: {{event@properties.body}}',
  }),
  positiveThreshold: TNumber({
    minimum: -1,
    maximum: 1,
    default: 0.05,
    description: 'A normalised score at or above this is positive',
  }),
  negativeThreshold: TNumber({
    minimum: -1,
    maximum: 1,
    default: -0.05,
    description: 'A normalised score at or below this is negative (and not above the positive threshold)',
  }),
  saveTo: Optional(
    TString({
      description:
        'Profile field that receives { score, label, provider }, e.g. profile@traits.last_sentiment',
    }),
  ),
  timeoutMs: Integer({
    minimum: 100,
    maximum: 30_000,
    default: 8000,
    description: 'Remote provider: time one attempt may take, in ms',
  }),
  retries: Integer({
    minimum: 0,
    maximum: 5,
    default: 1,
    description: 'Remote provider: attempts after the first when it answers 429 or 5xx or cannot be reached',
  }),
});
