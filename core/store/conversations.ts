/**
 * Conversations and their turns: each question asked with a conversation id, with its final
 * answer, evidence, citations and claims, so the Q&A survives a reload and a restart and a
 * follow-up can build on the stored turns.
 */
import type { Answer, ConversationInfo, ConversationTurn, ErrorInfo, Evidence, Scope, StoredConversation, TurnState } from '../api.js';
import type { Db } from './database.js';

/** One key per scope, whatever order its documents were named in. */
export function scopeKey(scope: Scope): string {
  return 'library' in scope ? 'library' : `docs:${[...new Set(scope.docIds)].sort().join(',')}`;
}

export type NewTurn = Omit<ConversationTurn, 'id'>;

interface InfoRow {
  id: string;
  scope: string;
  created_at: string;
  updated_at: string;
  title: string | null;
  turn_count: number;
}

interface TurnRow {
  id: number;
  question: string;
  answer_text: string;
  state: TurnState;
  evidence: string;
  answer: string | null;
  error: string | null;
  asked_at: string;
}

const INFO = `SELECT c.id, c.scope, c.created_at, c.updated_at,
  (SELECT question FROM turns t WHERE t.conversation_id = c.id ORDER BY t.id LIMIT 1) AS title,
  (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count
  FROM conversations c`;

function info(r: InfoRow): ConversationInfo {
  return { id: r.id, scope: JSON.parse(r.scope) as Scope, title: r.title ?? '', turnCount: r.turn_count, createdAt: r.created_at, updatedAt: r.updated_at };
}

function turn(r: TurnRow): ConversationTurn {
  const t: ConversationTurn = { id: r.id, question: r.question, text: r.answer_text, state: r.state, evidence: JSON.parse(r.evidence) as Evidence[], askedAt: r.asked_at };
  if (r.answer !== null) t.answer = JSON.parse(r.answer) as Answer;
  if (r.error !== null) t.error = JSON.parse(r.error) as ErrorInfo;
  return t;
}

export class ConversationStore {
  constructor(private readonly db: Db) {}

  list(scope: Scope): ConversationInfo[] {
    return (this.db.prepare(`${INFO} WHERE c.scope_key = ? ORDER BY c.updated_at DESC, c.rowid DESC`).all(scopeKey(scope)) as InfoRow[]).map(info);
  }

  get(id: string): StoredConversation | null {
    const row = this.db.prepare(`${INFO} WHERE c.id = ?`).get(id) as InfoRow | undefined;
    if (!row) return null;
    const turns = (this.db.prepare('SELECT * FROM turns WHERE conversation_id = ? ORDER BY id').all(id) as TurnRow[]).map(turn);
    return { ...info(row), turns };
  }

  /** The scope a conversation was started over, or null when there is no such conversation. */
  scopeOf(id: string): string | null {
    const row = this.db.prepare('SELECT scope_key FROM conversations WHERE id = ?').get(id) as { scope_key: string } | undefined;
    return row?.scope_key ?? null;
  }

  /** Appends a turn, creating the conversation over `scope` if it is new; returns the turn's id. */
  addTurn(id: string, scope: Scope, t: NewTurn): number {
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO conversations (id, scope_key, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at')
        .run(id, scopeKey(scope), JSON.stringify(scope), now, now);
      const result = this.db
        .prepare('INSERT INTO turns (conversation_id, question, answer_text, state, evidence, answer, error, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, t.question, t.text, t.state, JSON.stringify(t.evidence), t.answer ? JSON.stringify(t.answer) : null, t.error ? JSON.stringify(t.error) : null, t.askedAt);
      return Number(result.lastInsertRowid);
    })();
  }

  /** True when there was such a conversation. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id).changes > 0;
  }

  /** A removed document takes the conversations about it alone with it. */
  deleteForDocument(docId: string): void {
    this.db.prepare('DELETE FROM conversations WHERE scope_key = ?').run(scopeKey({ docIds: [docId] }));
  }
}
