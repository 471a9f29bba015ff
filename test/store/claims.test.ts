/**
 * Claiming a document for a job and removing it, as the store decides them: a live owner (here or in
 * another process) keeps the document; a dead or silent one does not; a removal that cannot move the
 * files keeps the row, so the library never holds an entry whose files are gone.
 */
import type { DocumentSummary, JobInfo } from '../../core/api.js';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_STALE_MS, JobStore } from '../../core/store/jobs.js';
import { openStore, type Store } from '../../core/store/index.js';
import { tempHome } from '../helpers/cli.js';

const ID = 'a'.repeat(64);

function doc(status: DocumentSummary['status'], jobId?: string): DocumentSummary {
  return { id: ID, fileName: 'paper.pdf', title: 'paper', pageCount: 3, bytes: 100, addedAt: '2025-01-01T00:00:00.000Z', status, parser: 'p1', ...(jobId ? { jobId } : {}) };
}

function job(id: string): JobInfo {
  return { id, kind: 'parse', docId: ID, state: 'running', done: 0, total: 0, message: '', startedAt: new Date().toISOString() };
}

function withStore(work: (store: Store) => void): void {
  const store = openStore(tempHome());
  try {
    work(store);
  } finally {
    store.close();
  }
}

const always = (): boolean => true;

describe('document claims', () => {
  it('records the job and names it on the document when nothing owns it', () => {
    withStore((store) => {
      expect(store.claims.claim(doc('parsing'), job('j1'), always)).toBeUndefined();
      expect(store.documents.get(ID)).toMatchObject({ status: 'parsing', jobId: 'j1' });
      expect(store.jobs.get('j1')?.info).toMatchObject({ state: 'running', docId: ID });
    });
  });

  it('gives back the document when a live job owns it, in this process or another, and records nothing', () => {
    withStore((store) => {
      store.claims.claim(doc('parsing'), job('mine'), always);
      expect(store.claims.claim(doc('parsing'), job('second'), always)).toMatchObject({ jobId: 'mine' });
      expect(store.jobs.get('second')).toBeNull();

      // The parent process (vitest's) stands for another live process on the same library.
      new JobStore(store.db, process.ppid).insert(job('theirs'));
      store.documents.save(doc('indexing', 'theirs'));
      expect(store.claims.claim(doc('parsing'), job('third'), always)).toMatchObject({ jobId: 'theirs' });
      expect(store.claims.remove(ID, () => undefined)).toEqual({ outcome: 'busy', owner: process.ppid });
      expect(store.documents.get(ID)).toMatchObject({ jobId: 'theirs' });
    });
  });

  it('takes over from a job whose owner stopped beating, and leaves a document that no longer needs the job', () => {
    withStore((store) => {
      store.jobs.insert(job('silent'), Date.now() - HEARTBEAT_STALE_MS - 1);
      store.documents.save(doc('parsing', 'silent'));
      expect(store.claims.claim(doc('parsing'), job('fresh'), always)).toBeUndefined();
      expect(store.documents.get(ID)?.jobId).toBe('fresh');

      store.documents.save(doc('ready'));
      expect(store.claims.claim(doc('parsing'), job('late'), (current) => current.status !== 'ready')).toMatchObject({ status: 'ready' });
      expect(store.jobs.get('late')).toBeNull();
    });
  });

  it('removes the row and its conversations, or keeps both when the files cannot be moved', () => {
    withStore((store) => {
      store.documents.save(doc('failed'));
      store.conversations.addTurn('c1', { docIds: [ID] }, { question: 'q', text: 'a', state: 'done', evidence: [], askedAt: new Date().toISOString() });
      expect(() =>
        store.claims.remove(ID, () => {
          throw new Error('folder in use');
        }),
      ).toThrow('folder in use');
      expect(store.documents.get(ID)).not.toBeNull();
      expect(store.conversations.get('c1')).not.toBeNull();

      let moved = 0;
      expect(store.claims.remove(ID, () => void moved++)).toEqual({ outcome: 'removed' });
      expect(moved).toBe(1);
      expect(store.documents.get(ID)).toBeNull();
      expect(store.conversations.get('c1')).toBeNull();
      expect(store.claims.remove(ID, () => void moved++)).toEqual({ outcome: 'missing' });
      expect(moved).toBe(1);
    });
  });
});
