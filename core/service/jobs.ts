import { randomUUID } from 'node:crypto';
import type { JobInfo, JobKind } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';
import type { JobStore } from '../store/jobs.js';

/** How often a running job tells the database its process is alive (well inside HEARTBEAT_STALE_MS). */
const HEARTBEAT_MS = 5_000;
/** Progress goes to the database at most this often: other processes need the state, not every page. */
const RECORD_MS = 1_000;

export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number, message: string, unit?: JobInfo['unit']): void;
}

type Work = (ctx: JobContext) => Promise<void>;
type OnEnd = (job: JobInfo) => Promise<void> | void;

function newJob(kind: JobKind, target: { docId?: string; modelId?: string }): JobInfo {
  return { id: randomUUID(), kind, state: 'running', ...target, done: 0, total: 0, message: 'Starting…', startedAt: new Date().toISOString() };
}

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  finished: Promise<JobInfo>;
  /** Set once the epilogue has run: until then the job's document may still be being saved. */
  settled: boolean;
}

/**
 * Runs long work (parse, index, download) with progress, cancellation and a record of the outcome.
 * With a store, each job is also a row of the jobs table that this process keeps beating while it
 * runs, so other processes on the same library see it as alive.
 */
export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>();
  /** Progress events are throttled: a 2,000-page parse must not flood IPC with 2,000 messages a second. */
  private readonly lastEmit = new Map<string, number>();
  private readonly lastRecord = new Map<string, number>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly onChange: (job: JobInfo) => void,
    private readonly store?: JobStore,
  ) {}

  /** A lost database write must not fail the work it describes; the next write or beat catches up. */
  private record(write: (store: JobStore) => void): void {
    if (!this.store) return;
    try {
      write(this.store);
    } catch (err) {
      console.error('wukong: the job could not be recorded in the library database:', err);
    }
  }

  private beat(): void {
    const running = [...this.jobs.values()].filter((j) => !j.settled).map((j) => j.info.id);
    if (running.length) this.record((store) => store.heartbeat(running));
    else if (this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /** Whether the job is running here or, by its heartbeat, in another live process on the same library. */
  isLive(jobId: string): boolean {
    const local = this.jobs.get(jobId);
    // Over but for its epilogue (the document being saved) is still live: its document must not read as
    // interrupted in that moment.
    if (local) return !local.settled;
    try {
      return this.store?.isLive(jobId) ?? false;
    } catch {
      return false;
    }
  }

  start(kind: JobKind, target: { docId?: string; modelId?: string }, work: Work, onEnd?: OnEnd): JobInfo {
    const info = newJob(kind, target);
    this.record((store) => store.insert(info));
    return this.run(info, work, onEnd);
  }

  /**
   * Runs the job only if `claim` records it and says it may run: the claim writes the job's row together
   * with what it claims (a document), in one transaction. Otherwise nothing runs and undefined comes back.
   * A claim that throws (the database cannot be written) is the caller's error: there is no row to update.
   */
  startClaimed(kind: JobKind, target: { docId?: string; modelId?: string }, claim: (job: JobInfo) => boolean, work: Work, onEnd?: OnEnd): JobInfo | undefined {
    const info = newJob(kind, target);
    return claim({ ...info }) ? this.run(info, work, onEnd) : undefined;
  }

  /** `info` is already in the jobs table. */
  private run(info: JobInfo, work: Work, onEnd?: OnEnd): JobInfo {
    const controller = new AbortController();
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, message, unit) => {
        info.done = done;
        info.total = total;
        info.message = message;
        if (unit) info.unit = unit;
        else delete info.unit;
        const now = Date.now();
        if (now - (this.lastRecord.get(info.id) ?? 0) >= RECORD_MS) {
          this.lastRecord.set(info.id, now);
          this.record((store) => store.update(info, now));
        }
        if (done === total || now - (this.lastEmit.get(info.id) ?? 0) >= 100) {
          this.lastEmit.set(info.id, now);
          this.onChange({ ...info });
        }
      },
    };
    const entry: RunningJob = { info, controller, finished: Promise.resolve(info), settled: false };
    const finished = (async () => {
      // Let the caller see the job before any progress arrives.
      await Promise.resolve();
      this.onChange({ ...info });
      try {
        await work(ctx);
        if (controller.signal.aborted) throw new WukongError('CANCELLED');
        info.state = 'done';
        info.message = 'Done';
      } catch (err) {
        const error = controller.signal.aborted ? new WukongError('CANCELLED') : toWukongError(err);
        info.state = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
        info.error = error.toJSON();
        info.message = error.message;
      }
      info.endedAt = new Date().toISOString();
      this.lastEmit.delete(info.id);
      this.lastRecord.delete(info.id);
      try {
        await onEnd?.({ ...info });
      } catch (err) {
        console.error('wukong: job epilogue failed:', err);
      }
      // Recorded after the epilogue, so a job never reads as over while its document is still being saved.
      entry.settled = true;
      this.record((store) => store.update(info));
      this.onChange({ ...info });
      return { ...info };
    })();
    entry.finished = finished;
    this.jobs.set(info.id, entry);
    if (this.store && !this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
    return { ...info };
  }

  /** Ids of the jobs this runner started (running or over). */
  ids(): Set<string> {
    return new Set(this.jobs.keys());
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  get(jobId: string): JobInfo | undefined {
    const job = this.jobs.get(jobId);
    return job ? { ...job.info } : undefined;
  }

  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new WukongError('NOT_FOUND', `No job with id ${jobId}.`);
    job.controller.abort();
  }

  wait(jobId: string): Promise<JobInfo> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new WukongError('NOT_FOUND', `No job with id ${jobId}.`));
    return job.finished;
  }

  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.finished));
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
