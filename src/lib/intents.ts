/** What a message can want, and the classifiers that say which: shared by the engine and the model. */

export const INTENTS = ['qa', 'join_union', 'complaint', 'complaint_status', 'injury', 'greeting', 'help', 'out_of_scope'] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * Anything that can say what a message wants. The local classifiers answer at once; one that asks a
 * model (src/llm/classify.ts) returns a promise, so callers always `await` the result.
 */
export interface IntentClassifier {
  classify(text: string): Intent | Promise<Intent>;
}

/** A classifier that answers at once, on this machine (rules, labelled examples). */
export interface LocalIntentClassifier extends IntentClassifier {
  classify(text: string): Intent;
}

/** How the local classifier reached its label: what a model-backed classifier reads to decide whether to ask. */
export interface IntentJudgement {
  intent: Intent;
  /**
   * 'rules': a rule fired (or there is nothing to vote on); 'examples': the labelled examples voted;
   * 'default': no rule fired and no example was similar enough, so it is 'qa' by default.
   */
  by: 'rules' | 'examples' | 'default';
  /** With 'examples': the similarity of the nearest example (0..1). */
  nearest?: number;
  /** With 'examples': the winning intent's share of the five votes' weight (0..1). */
  share?: number;
}
