import type { FlowContext, Form } from '../../flows/form.ts';
import { dayOf } from '../../lib/dates.ts';
import { ask } from '../ask.ts';
import { RuleIntentClassifier } from '../intent.ts';
import type { TurnContext } from './turn.ts';

/** What a message clearly asks for by the rules alone: what a form may take for another service. */
const RULES = new RuleIntentClassifier();

/** What a flow may use of the engine, so that flows import nothing from core. */
export function flowContext(t: TurnContext): FlowContext {
  const { deps } = t.engine;
  const { extractor } = deps;
  const ctx: FlowContext = {
    now: t.now,
    today: dayOf(t.now),
    incoming: t.incoming,
    intentByRules: (text) => RULES.match(text),
    answer: async (q) => {
      const r = await ask(deps.kb, deps.classifier, q, { channel: t.incoming.channel, now: t.now, writer: deps.writer });
      return { text: r.answer, sources: r.sources };
    },
    ...(extractor ? { extract: (form: Form, message: string) => extractor.extract(form, message, ctx) } : {}),
  };
  return ctx;
}
