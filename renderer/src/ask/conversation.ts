/**
 * The question-and-answer history, per document (and one for the whole library). The service keeps
 * each conversation in the library database under its id, so a reload or a restart loads it back.
 */
import type { Answer, ChatTurn, ConversationTurn, Evidence, StoredConversation } from '../../../core/api.js';
import type { ErrorInfo } from '../../../core/errors.js';

export type TurnState = 'waiting' | 'streaming' | 'done' | 'error' | 'cancelled';

export interface Turn {
  id: number;
  question: string;
  /** The answer text as it streams in; replaced by the final text when done. */
  text: string;
  evidence: Evidence[];
  answer?: Answer;
  state: TurnState;
  error?: ErrorInfo;
  /** The language model being prepared (loaded, its graph built the first time) before the answer starts. */
  progress?: { message: string; done: number; total: number };
}

/**
 * At most this many earlier turns go with a question (the transports take 100 messages). The
 * service reuses its model cache only when the history is the whole conversation it answered,
 * so nothing is dropped before this.
 */
const MAX_HISTORY_TURNS = 50;

let nextId = 1;

/** A stored turn as the panel shows it ('failed' is the panel's 'error'). */
function shown(t: ConversationTurn): Turn {
  const turn: Turn = { id: nextId++, question: t.question, text: t.text, evidence: t.evidence, state: t.state === 'failed' ? 'error' : t.state };
  if (t.answer) turn.answer = t.answer;
  if (t.error) turn.error = t.error;
  return turn;
}

export class Conversations {
  private byDoc = new Map<string, Turn[]>();
  /** The stored conversation each key continues; made up here for a key that has none yet. */
  private ids = new Map<string, string>();

  /** Whether the stored conversation of `key` has been looked up (load was called). */
  loaded(key: string): boolean {
    return this.ids.has(key);
  }

  /** Puts the stored conversation (null: there is none) before any turns asked while it loaded. */
  load(key: string, stored: StoredConversation | null): void {
    this.ids.set(key, stored?.id ?? crypto.randomUUID());
    if (stored) this.byDoc.set(key, [...stored.turns.map(shown), ...this.turns(key)]);
  }

  conversationId(key: string): string {
    let id = this.ids.get(key);
    if (!id) this.ids.set(key, (id = crypto.randomUUID()));
    return id;
  }

  turns(docId: string): Turn[] {
    return this.byDoc.get(docId) ?? [];
  }

  start(docId: string, question: string): Turn {
    const turn: Turn = { id: nextId++, question, text: '', evidence: [], state: 'waiting' };
    this.byDoc.set(docId, [...this.turns(docId), turn]);
    return turn;
  }

  /** Earlier finished turns of this document's conversation, as history for a generator that follows up on them. */
  history(docId: string): ChatTurn[] {
    return this.turns(docId)
      .filter((t) => t.state === 'done' && t.answer)
      .slice(-MAX_HISTORY_TURNS)
      .flatMap((t): ChatTurn[] => [{ role: 'user', text: t.question }, { role: 'assistant', text: t.answer!.text }]);
  }

  /** Starts `key` afresh: no turns, and a new conversation id for the next question. */
  restart(key: string): void {
    this.byDoc.delete(key);
    this.ids.set(key, crypto.randomUUID());
  }

  forget(docId: string): void {
    this.byDoc.delete(docId);
    this.ids.delete(docId);
  }
}
