/**
 * Jobs that other processes on the same library run (the CLI's parse seen from the app, and the
 * app's seen from `wukong serve`), read from the jobs table. A job whose owner still beats is shown
 * as it stands; one whose owner ended without finishing it reads as interrupted, as its document
 * does, as long as it is still that document's job (opening the document again resumes it).
 */
import type { ErrorInfo, JobInfo } from '../api.js';
import type { DocumentStore } from '../store/documents.js';
import { isLiveJob, type JobStore, type StoredJob } from '../store/jobs.js';

export const INTERRUPTED: ErrorInfo = { code: 'CANCELLED', message: 'Preparing this document was interrupted; open it again to finish.' };

/** How often a watching service looks for other processes' progress (they record it about once a second). */
const WATCH_MS = 1_000;

export class OtherProcessJobs {
  private timer?: NodeJS.Timeout;
  /** What the last look saw of each job, to tell front ends only what changed. */
  private seen = new Map<string, string>();

  constructor(
    private readonly jobs: JobStore,
    private readonly documents: DocumentStore,
    /** Jobs this process runs itself: the runner reports those. */
    private readonly local: () => ReadonlySet<string>,
  ) {}

  list(now = Date.now()): JobInfo[] {
    const out: JobInfo[] = [];
    for (const job of this.jobs.running(this.local())) {
      if (isLiveJob(job, now)) out.push(job.info);
      else if (this.isCurrent(job)) out.push({ ...job.info, state: 'cancelled', error: INTERRUPTED, message: INTERRUPTED.message, endedAt: new Date(job.heartbeatAt).toISOString() });
    }
    return out;
  }

  private isCurrent(job: StoredJob): boolean {
    return job.info.docId !== undefined && this.documents.get(job.info.docId)?.jobId === job.info.id;
  }

  /**
   * Reports other processes' jobs as they change, and calls `onEnded` when one stops running (finished,
   * or its process ended), so the documents list is read again.
   */
  watch(onJob: (job: JobInfo) => void, onEnded: () => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.look(onJob, onEnded);
      } catch (err) {
        console.error('wukong: could not read other processes\u2019 jobs:', err);
      }
    }, WATCH_MS);
    this.timer.unref();
  }

  private look(onJob: (job: JobInfo) => void, onEnded: () => void): void {
    const now = new Map(this.list().map((j) => [j.id, j]));
    const local = this.local();
    let ended = false;
    for (const [id, job] of now) {
      const text = JSON.stringify(job);
      if (this.seen.get(id) === text) continue;
      onJob(job);
      if (job.state !== 'running') ended = true;
    }
    for (const id of this.seen.keys()) {
      if (now.has(id) || local.has(id)) continue;
      // Over (its row says how), or dropped from the list because its document has moved on to another job.
      const final = this.jobs.get(id)?.info;
      if (final && final.state !== 'running') onJob(final);
      ended = true;
    }
    this.seen = new Map([...now].map(([id, job]) => [id, JSON.stringify(job)]));
    if (ended) onEnded();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
