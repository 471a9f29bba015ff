/** Evaluation of the evidence sampler on question sets (what `wukong eval` and the benchmark run). */
export { loadQuestionSet, sourceGroup, type Question, type QuestionSet } from './questions.js';
export { evaluateSet, summarize, questionOutput, CUTOFFS, type Cutoff, type EvalOptions, type QuestionOutput, type QuestionResult, type Summary } from './evaluate.js';
export { goldFor, hasPageGold, coverage, GOLD_PAGE_COVERAGE, PASSAGE_HIT_COVERAGE, type Gold } from './metrics.js';
