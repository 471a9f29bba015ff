/**
 * English function words plus the question words people type ("what", "which") that carry no topic.
 * Kept short on purpose: words such as "not", "more", "less", "between" can decide an answer.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again all also am an and any are as at be because been before being below both but by can
could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me my myself of off on once only or other our ours ourselves
out over own same she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why will with would you
your yours yourself yourselves according paper report document study article authors author mentioned described
shown given please tell much many`
    .split(/\s+/)
    .filter(Boolean),
);
