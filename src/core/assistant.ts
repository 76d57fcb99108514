import type { KnowledgeBase } from '../knowledge/base.ts';
import type { Logger } from '../log.ts';
import { replies as canned } from '../replies.ts';
import type { Store } from '../store/store.ts';
import { sessionKey } from '../store/types.ts';
import { CANCEL, CONFIRM, continueForm, mayHoldSeveral, prompt, startForm, text, type FlowContext, type Form, type FormData, type FormState, type Turn } from '../flows/form.ts';
import { plain } from '../flows/fields.ts';
import { fill } from '../flows/texts.ts';
import type { AnswerWriter } from '../llm/answer.ts';
import { remember, type Exchange, type QuestionRewriter } from '../llm/rewrite.ts';
import type { FieldExtractor } from '../llm/extract.ts';
import { ask } from './ask.ts';
import { dayOf } from '../lib/dates.ts';
import { RuleIntentClassifier, type Intent, type IntentClassifier } from './intent.ts';
import { channelText, type Etiquette } from './etiquette.ts';
import { containsPhone, maskPhone } from '../lib/privacy.ts';
import type { StaffChat } from '../staff/chat.ts';
import type { Clock, Incoming, Reply } from '../lib/types.ts';

/** What a message clearly asks for by the rules alone: what a form may take for another service. */
const RULES = new RuleIntentClassifier();

/** What a conversation remembers between messages. */
export interface SessionState {
  form?: FormState;
  /** The form that expired while the worker was away (its answers already forgotten). */
  expired?: string;
  /** A form offered by the last reply, started if the worker takes it up. */
  offer?: { flow: Intent; data: FormData };
  /** The last question answered and its answer (masked, short): kept only with an LLM, for follow-ups. */
  last?: Exchange & { at: string };
  /** What the last finished form replied (its number), for a 确认 sent again after a lost reply. */
  submitted?: { text: string; at: string };
}

export interface AssistantDeps {
  store: Store;
  kb: KnowledgeBase;
  classifier: IntentClassifier;
  /** The forms by intent: join_union, complaint, injury. */
  forms: Partial<Record<Intent, Form>>;
  /** 查询进度: the worker's own cases and applications. */
  status: (incoming: Incoming, text: string) => Promise<Reply[]>;
  clock?: Clock;
  /** An unfinished form is dropped after this many idle hours. */
  idleHours?: number;
  log?: Logger;
  /**
   * Deliver outbox messages at the worker's next message (terminal, web); false for channels whose
   * adapter pushes them (telegram, wechat), so a message is never delivered twice.
   */
  deliverOutbox?: boolean | ((channel: string) => boolean);
  /** Group etiquette; without it a group message is answered only when `mentioned`. */
  etiquette?: Etiquette;
  /** Staff commands in chat (/kb add, /approve, /case …). */
  staff?: StaffChat;
  /** Writes answers with an LLM from the retrieved passages (optional; falls back to the extractive answer). */
  writer?: AnswerWriter;
  /** Rewrites follow-ups ("那兼职的呢？") with the last exchange before retrieval (optional, LLM). */
  rewriter?: QuestionRewriter;
  /** Reads several form answers from one message (optional, LLM); each still passes its step's schema. */
  extractor?: FieldExtractor;
}

/** A follow-up refers to the last exchange only if it comes within this time. */
const FOLLOW_UP_MS = 30 * 60 * 1000;
/** How long a finished form's number is kept for a 确认 sent again. */
const SUBMITTED_MS = 30 * 60 * 1000;

/** Slash commands any channel may send (Telegram's menu), as the words a worker would type. */
const COMMAND_WORDS: Record<string, string> = {
  help: '帮助',
  join: '我要入会',
  join_union: '我要入会',
  complaint: '我要投诉',
  status: '查询进度',
  complaint_status: '查询进度',
  injury: '我受伤了',
  cancel: '取消',
};

/** "/join" → 我要入会, "/start join" (a deep link's payload) → 我要入会; "/join@our_bot" too. */
export function commandWords(message: string): string {
  const m = /^\/([a-z_]+)(?:@\S+)?(?:\s+(\S+))?\s*$/i.exec(message);
  if (!m) return message;
  const [, cmd, arg] = m;
  const name = cmd!.toLowerCase();
  if (name === 'start') return arg && COMMAND_WORDS[arg.toLowerCase()] ? COMMAND_WORDS[arg.toLowerCase()]! : '/start';
  return COMMAND_WORDS[name] ?? message;
}

/** A group asked for a form is remembered this long, so the private chat can take it up. */
const HANDOFF_MS = 3600 * 1000;
const handoffKey = (channel: string, userId: string) => JSON.stringify(['handoff', channel, userId]);
const PRIVATE_FLOWS: Intent[] = ['join_union', 'complaint', 'injury', 'complaint_status'];

/** Longer messages are refused: nobody types this much into a chat, and it protects the retriever. */
export const MAX_MESSAGE_CHARS = 2000;

/** Control characters other than newline and tab, and the BOM / zero-width marks that come with pasted text. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028\u2029\ufeff]/g;

/** Grievances a question may describe: the answer then offers to file a complaint. */
const GRIEVANCE = /扣|罚|封号|停单|拖欠|欠薪|不给钱|不发|克扣|压单|不结算|少给|降单价|抽成/;
/** Questions about joining ("兼职能入会吗") and about accidents ("摔了算工伤吗"): the answer offers the flow. */
const ABOUT_JOINING = /入会|入工会|加入工会|参加工会|工会会员/;
const ABOUT_INJURY = /受伤|摔|撞|车祸|事故|工伤|职业伤害|骨折|伤残/;

/**
 * The conversation engine, the same for every channel: given the same store, clock and message it
 * gives the same replies. Messages of one session are handled one at a time, in arrival order.
 */
export class Assistant {
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly queues = new Map<string, Promise<unknown>>();
  private lastSweep = 0;

  constructor(private readonly deps: AssistantDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.idleMs = (deps.idleHours ?? 24) * 3600 * 1000;
  }

  handle(incoming: Incoming, opts: { onText?: (delta: string) => void } = {}): Promise<Reply[]> {
    const key = sessionKey(incoming.channel, incoming.chatId, incoming.userId);
    const prev = this.queues.get(key) ?? Promise.resolve();
    const run = prev.then(() => this.safely(incoming, key, opts.onText));
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async safely(incoming: Incoming, key: string, onText?: (delta: string) => void): Promise<Reply[]> {
    try {
      return await this.process(incoming, key, onText);
    } catch (err) {
      // the message text may hold personal data: log the error and where, never what was said
      this.deps.log?.error({ err, channel: incoming.channel }, 'assistant failed on a message');
      return [{ text: text.internalError }];
    }
  }

  /** What the assistant says when it is added to a group (nothing where it may not speak). */
  joinedGroup(channel: string, chatId: string): Reply[] {
    if (!this.deps.etiquette) return [];
    return this.deps.etiquette.welcome(channel, chatId);
  }

  private deliversOutbox(channel: string): boolean {
    const d = this.deps.deliverOutbox;
    return typeof d === 'function' ? d(channel) : d !== false;
  }

  private async process(incoming: Incoming, key: string, onText?: (delta: string) => void): Promise<Reply[]> {
    const now = this.clock();
    let message = (incoming.text ?? '').replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
    if (this.deps.etiquette) {
      const gate = this.deps.etiquette.before(incoming, message, now);
      if (gate.kind === 'silent') return [];
      if (gate.kind === 'reply') return gate.replies;
      message = gate.text;
    } else if (incoming.isGroup && !incoming.mentioned) return [];
    const staff = this.deps.staff && message.length <= MAX_MESSAGE_CHARS ? await this.deps.staff.handle(incoming, message, now) : undefined;
    if (staff) return staff;
    message = commandWords(message);
    if (message.startsWith('/') && /^\/[a-z_]+(@\S+)?$/i.test(message.split(/\s/)[0]!) && !/^\/(start|help)\b/i.test(message)) {
      // the command is echoed masked and short: "/a@13812345678" must not repeat a number (this reply skips converse's masking)
      return [{ text: fill(channelText.unknownCommand, { command: maskPhone(message.split(/\s/)[0]!).slice(0, 40) }) }];
    }
    const replies = await this.converse(incoming, key, message, now, incoming.isGroup ? undefined : onText);
    if (incoming.isGroup) this.deps.etiquette?.after(incoming, message, replies, now);
    return replies;
  }

  private async converse(incoming: Incoming, key: string, message: string, now: Date, onText?: (delta: string) => void): Promise<Reply[]> {
    const { store } = this.deps;
    const out: Reply[] = [];
    // notices from staff, marked delivered only with the rest of this turn, so an error loses none
    const notices =
      !incoming.isGroup && this.deliversOutbox(incoming.channel) ? await store.outbox.pendingFor(incoming.channel, incoming.chatId, incoming.userId) : [];

    await this.sweep(now);
    const session = await store.sessions.get<SessionState>(key);
    let state: SessionState = session?.state ?? {};
    const idle = session && now.getTime() - new Date(session.updatedAt).getTime() > this.idleMs;
    if ((state.form && idle) || state.expired) {
      const form = this.deps.forms[(state.form?.flow ?? state.expired) as Intent];
      out.push({ text: fill(text.expired, { title: form?.title ?? text.someForm, hours: this.idleHoursText() }) });
      state = {};
    }

    const ctx = this.context(incoming, now);
    let turn: { replies: Reply[]; state: SessionState; commit?: (tx: Store) => Promise<Reply[]> };
    if (message.length > MAX_MESSAGE_CHARS) {
      turn = { replies: [{ text: fill(text.tooLong, { max: MAX_MESSAGE_CHARS }) }], state };
    } else if (state.form && this.deps.forms[state.form.flow as Intent]) {
      const form = this.deps.forms[state.form.flow as Intent]!;
      turn = this.fromForm(form, await this.inForm(form, state.form, message, ctx));
    } else {
      turn = await this.outsideForm(incoming, message, state, ctx, onText);
    }

    const delivered: Reply[] = [];
    const committed = await store.transaction(async (tx) => {
      for (const m of notices) if (await tx.outbox.markDelivered(m.id, now)) delivered.push({ text: `${text.outboxHeading}${m.text}` });
      const next = turn.state;
      // filed in the same transaction as the session that remembers its number: a 确认 retried after
      // a crash or a lost reply gets the same number, never a second record
      const filed = (await turn.commit?.(tx)) ?? [];
      const kept = state.submitted && now.getTime() - new Date(state.submitted.at).getTime() <= SUBMITTED_MS ? state.submitted : undefined;
      const submitted = filed.length ? { text: filed.map((r) => r.text).join('\n'), at: now.toISOString() } : kept;
      if (next.form || next.offer || next.last || submitted) await tx.sessions.put(key, { form: next.form, offer: next.offer, last: next.last, submitted }, now);
      else if (session) await tx.sessions.remove(key);
      return filed;
    });
    out.unshift(...delivered);
    out.push(...turn.replies, ...committed);
    this.deps.log?.debug({ channel: incoming.channel, flow: turn.state.form?.flow, step: turn.state.form?.step }, 'message handled');

    if (incoming.isGroup) {
      const masked = out.map((r) => ({ ...r, text: maskPhone(r.text) }));
      if (containsPhone(message)) masked.push({ text: text.groupPhoneWarning });
      return masked;
    }
    return out;
  }

  private idleHoursText(): string {
    return String(Math.round((this.idleMs / 3600000) * 10) / 10);
  }

  /** At most once an hour: expired forms lose what they collected, even if the worker never comes back. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < 3600 * 1000 && now.getTime() >= this.lastSweep) return;
    this.lastSweep = now.getTime();
    await this.deps.store.sessions.expire(new Date(now.getTime() - this.idleMs), new Date(now.getTime() - 30 * 24 * 3600 * 1000));
  }

  private context(incoming: Incoming, now: Date): FlowContext {
    const extractor = this.deps.extractor;
    const ctx: FlowContext = {
      now,
      today: dayOf(now),
      incoming,
      intentByRules: (text) => RULES.match(text),
      answer: async (q) => {
        const r = await ask(this.deps.kb, this.deps.classifier, q, { channel: incoming.channel, now, writer: this.deps.writer });
        return { text: r.answer, sources: r.sources };
      },
      ...(extractor ? { extract: (form: Form, message: string) => extractor.extract(form, message, ctx) } : {}),
    };
    return ctx;
  }

  private async inForm(form: Form, state: FormState, message: string, ctx: FlowContext): Promise<Turn> {
    if (!message && !ctx.incoming.attachments?.length) {
      return { replies: [prompt(form, state.step, state.data, ctx)], state };
    }
    return continueForm(form, state, message, ctx);
  }

  private fromForm(form: Form, t: Turn) {
    const offer = t.done && form.offerAfter?.(t.done);
    return { replies: t.replies, state: t.state ? { form: t.state } : offer ? { offer } : {}, commit: t.commit };
  }

  /**
   * A form the worker asked for in a group, taken up at their first private message if that is a
   * greeting, /start or 帮助 (anything else is answered as it is, and the request is dropped).
   */
  private async takeHandoff(incoming: Incoming, intent: Intent, ctx: FlowContext) {
    const key = handoffKey(incoming.channel, incoming.userId);
    const h = await this.deps.store.sessions.get<{ handoff?: Intent }>(key);
    if (!h?.state.handoff) return undefined;
    const commit = async (tx: Store): Promise<Reply[]> => {
      await tx.sessions.remove(key);
      return [];
    };
    const fresh = ctx.now.getTime() - new Date(h.updatedAt).getTime() <= HANDOFF_MS;
    if (!fresh || !['greeting', 'help'].includes(intent)) {
      await this.deps.store.sessions.remove(key);
      return undefined;
    }
    const flow = h.state.handoff;
    if (flow === 'complaint_status') return { replies: await this.deps.status(incoming, ''), state: {} as SessionState, commit };
    const form = this.deps.forms[flow];
    if (!form) return undefined;
    const t = await startForm(form, ctx, {});
    const [first, ...rest] = t.replies;
    const replies = first ? [{ ...first, text: `${fill(channelText.handoffResume, { title: form.title })}\n${first.text}` }, ...rest] : rest;
    return { replies, state: t.state ? { form: t.state } : {}, commit };
  }

  /** After an answer, the one thing the worker may want to do next: file a complaint, join, or get the injury guide. */
  private offerAfterAnswer(message: string): string | undefined {
    const forms = this.deps.forms;
    if (GRIEVANCE.test(message) && forms.complaint) return text.offerComplaint;
    if (ABOUT_JOINING.test(message) && forms.join_union) return text.offerJoin;
    if (ABOUT_INJURY.test(message) && forms.injury) return text.offerInjury;
    return undefined;
  }

  private async outsideForm(incoming: Incoming, message: string, state: SessionState, ctx: FlowContext, onText?: (delta: string) => void) {
    const offer = state.offer;
    const none: SessionState = {};
    if (!message) {
      return { replies: [{ text: incoming.attachments?.length ? text.noText : canned.emptyQuestion }], state: none };
    }
    if (!/[\p{L}\p{N}]/u.test(message)) return { replies: [{ text: text.noText }], state: none };
    if (CANCEL.test(plain(message))) return { replies: [{ text: text.nothingToCancel }], state: none };
    if (state.submitted && CONFIRM.test(plain(message)) && ctx.now.getTime() - new Date(state.submitted.at).getTime() <= SUBMITTED_MS) {
      return { replies: [{ text: `${text.alreadySubmitted}\n${state.submitted.text}` }], state: none };
    }

    const intent = await this.deps.classifier.classify(message);
    if (incoming.isGroup && PRIVATE_FLOWS.includes(intent)) {
      // remembered so that the worker's first private message takes it up
      const commit = async (tx: Store): Promise<Reply[]> => {
        await tx.sessions.put(handoffKey(incoming.channel, incoming.userId), { handoff: intent }, ctx.now);
        return [];
      };
      const how = incoming.privateHint ? `\n${fill(channelText.privateHow, { how: incoming.privateHint })}` : '';
      const said =
        intent === 'injury' ? text.groupInjury : intent === 'complaint_status' ? text.groupStatus : fill(text.groupPrivate, { title: this.deps.forms[intent]?.title ?? '' });
      return { replies: [{ text: said + how }], state: none, commit };
    }
    if (!incoming.isGroup) {
      const resumed = await this.takeHandoff(incoming, intent, ctx);
      if (resumed) return resumed;
    }
    const form = this.deps.forms[intent];
    if (form) {
      const initial = offer && offer.flow === intent ? offer.data : {};
      // "我要入会，我叫张三，在武汉跑美团": with a model, the answers already given are kept for the summary
      const extracted = ctx.extract && mayHoldSeveral(message) ? await ctx.extract(form, message) : {};
      const t = await startForm(form, ctx, initial, extracted);
      return { replies: t.replies, state: t.state ? { form: t.state } : none, commit: t.commit };
    }
    switch (intent) {
      case 'complaint_status':
        if (incoming.isGroup) return { replies: [{ text: text.groupStatus }], state: none };
        return { replies: await this.deps.status(incoming, message), state: none };
      case 'greeting':
        return { replies: [{ text: /谢|感谢|thx|thanks|3q/i.test(message) ? text.thanks : canned.greeting }], state: none };
      case 'help':
        return { replies: [{ text: canned.help }], state: none };
      default: {
        const rewriter = this.deps.rewriter;
        const last = state.last && ctx.now.getTime() - new Date(state.last.at).getTime() <= FOLLOW_UP_MS ? state.last : undefined;
        const r = await ask(this.deps.kb, this.deps.classifier, message, {
          channel: incoming.channel,
          now: ctx.now,
          writer: this.deps.writer,
          rewriter,
          history: last ? [{ q: last.q, a: last.a }] : undefined,
          onText,
        });
        const replies: Reply[] = [{ text: r.answer, sources: r.sources }];
        const offer = r.intent === 'qa' && !incoming.isGroup ? this.offerAfterAnswer(message) : undefined;
        if (offer) replies.push({ text: offer });
        // with a rewriter, an answered question is remembered (masked, short) so that a follow-up can refer to it
        const remembered: SessionState =
          rewriter && r.intent === 'qa' && r.sources.length ? { last: { ...remember(r.question ?? message, r.answer), at: ctx.now.toISOString() } } : none;
        return { replies, state: remembered };
      }
    }
  }
}
