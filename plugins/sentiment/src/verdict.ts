/** Sentiment labels, from the normalised score and the node's thresholds. */
export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** What `score-sentiment` emits and saves. */
export interface Verdict {
  /** Normalised to −1..1, rounded to 4 decimals. */
  score: number;
  label: SentimentLabel;
  provider: 'local' | 'remote';
}

export interface Thresholds {
  positiveThreshold: number;
  negativeThreshold: number;
}

/**
 * Checks that the thresholds leave no score both positive and negative.
 *
 * @throws Error naming the fields when the negative threshold lies above the positive one.
 */
export function checkThresholds({ positiveThreshold, negativeThreshold }: Thresholds): void {
  if (negativeThreshold > positiveThreshold) {
    throw new Error(
      `negativeThreshold: ${negativeThreshold} lies above positiveThreshold ${positiveThreshold}; a score cannot be both`,
    );
  }
}

/** The same thresholds route both providers, so a flow behaves the same whichever one scores. */
export function verdict(score: number, provider: Verdict['provider'], thresholds: Thresholds): Verdict {
  const rounded = Math.round(score * 10_000) / 10_000;
  const label: SentimentLabel =
    rounded >= thresholds.positiveThreshold
      ? 'positive'
      : rounded <= thresholds.negativeThreshold
        ? 'negative'
        : 'neutral';
  return { score: rounded === 0 ? 0 : rounded, label, provider };
}
