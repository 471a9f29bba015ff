/** The question-and-answer history, kept per document for as long as the window is open. */
import type { Answer, ChatTurn, Evidence } from '../../../core/api.js';
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

export class Conversations {
  private byDoc = new Map<string, Turn[]>();

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

  forget(docId: string): void {
    this.byDoc.delete(docId);
  }
}
