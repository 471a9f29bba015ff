/**
 * Who may work on a document, decided inside one IMMEDIATE (write-locked) transaction each, so two
 * processes on one library cannot both act on what they each just read: two opens of one PDF start
 * one parse between them, and a removal cannot delete files that another process has just started
 * preparing, nor can that process start on a document whose removal is half done.
 */
import type { DocumentSummary, JobInfo } from '../api.js';
import type { ConversationStore } from './conversations.js';
import type { Db } from './database.js';
import type { DocumentStore } from './documents.js';
import type { JobStore } from './jobs.js';

export type Removal = { outcome: 'removed' } | { outcome: 'missing' } | { outcome: 'busy'; owner: number };

export class DocumentClaims {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentStore,
    private readonly jobs: JobStore,
    private readonly conversations: ConversationStore,
  ) {}

  /** The pid of the live process whose job owns the document, if one does. */
  private owner(current: DocumentSummary): number | undefined {
    return current.jobId === undefined ? undefined : this.jobs.liveOwner(current.jobId);
  }

  /**
   * Records `job` as the owner of `summary` (its row written with `jobId` naming the job), unless the
   * document as it stands now has a live job, or `stillNeeded` says it no longer needs this one (another
   * process finished it meanwhile). Returns the document that stood in the way, or undefined once claimed.
   */
  claim(summary: DocumentSummary, job: JobInfo, stillNeeded: (current: DocumentSummary) => boolean): DocumentSummary | undefined {
    return this.db
      .transaction(() => {
        const current = this.documents.get(summary.id);
        if (current && (this.owner(current) !== undefined || !stillNeeded(current))) return current;
        this.jobs.insert(job);
        this.documents.save({ ...summary, jobId: job.id });
        return undefined;
      })
      .immediate();
  }

  /**
   * Deletes the document's row, its conversations and its library-index membership, unless a live job
   * owns it. `moveFiles` runs inside the same transaction, so no claim can slip in between the check and
   * the files going: it should only move them aside (a rename), leaving the slow delete for after.
   */
  remove(id: string, moveFiles: () => void): Removal {
    return this.db
      .transaction((): Removal => {
        const current = this.documents.get(id);
        if (!current) return { outcome: 'missing' };
        const owner = this.owner(current);
        if (owner !== undefined) return { outcome: 'busy', owner };
        this.documents.remove(id);
        this.conversations.deleteForDocument(id);
        moveFiles();
        return { outcome: 'removed' };
      })
      .immediate();
  }
}
