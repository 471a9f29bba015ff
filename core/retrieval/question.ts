/**
 * What of a question is worth matching: people (and benchmark sets) append answer-format
 * instructions ("Write the answer in float format.", "Round your answer to two decimal places.")
 * whose words are in no document and only add noise to lexical and dense scores.
 */
const INSTRUCTION =
  /^(?:please\s+)?(?:write|answer|format|give|return|respond|express|round|directly|provide|represent|list|output|your answer|answers? should)\b/i;
const FORMAT_WORDS =
  /\b(?:answer|format|formatted|decimal|integer|int|float|list|digits?|round(?:ed)?|yes|no|order|percentage terms?|millions?|billions?|thousands?|usd)\b/i;

/** The question without trailing answer-format instructions (the first sentence is always kept). */
export function questionForRetrieval(question: string): string {
  const sentences = question.split(/(?<=[.?!])\s+|\n+/);
  const kept = sentences.filter((s, i) => i === 0 || !(INSTRUCTION.test(s.trim()) && FORMAT_WORDS.test(s)));
  return kept.join(' ').trim() || question;
}
