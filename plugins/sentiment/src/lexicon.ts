import Sentiment from 'sentiment';

const analyser = new Sentiment();

/**
 * How strongly a lexicon sum is squashed into −1..1: VADER's normalisation `s / √(s² + α)` with
 * its α of 15, so one mildly positive word (+1) scores 0.25, a strong one (+3) 0.61, and sums
 * keep rising towards ±1 without reaching it.
 */
const ALPHA = 15;

/**
 * Scores a text with the AFINN-165 lexicon (words and emoji rated −5..+5, the next word flipped
 * after a negator such as "not") and normalises the sum to −1..1.
 */
export function lexiconScore(text: string): number {
  // The library looks words up in plain objects, where "constructor" is inherited from
  // Object.prototype and would count as a negator; a plural that no list holds keeps it neutral.
  const { score } = analyser.analyze(text.replace(/\bconstructor\b/gi, 'constructors'));
  return score / Math.sqrt(score * score + ALPHA);
}
