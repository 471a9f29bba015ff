import { randomUUID } from 'node:crypto';
import type { JobInfo, JobKind } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';

export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number, message: string, unit?: JobInfo['unit']): void;
}

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  finished: Promise<JobInfo>;
}

/** Runs long work (parse, index, download) with progress, cancellation and a record of the outcome. */
export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>();
  /** Progress events are throttled: a 2,000-page parse must not flood IPC with 2,000 messages a second. */
  private readonly lastEmit = new Map<string, number>();

  constructor(private readonly onChange: (job: JobInfo) => void) {}

  start(
    kind: JobKind,
    target: { docId?: string; modelId?: string },
    work: (ctx: JobContext) => Promise<void>,
    onEnd?: (job: JobInfo) => Promise<void> | void,
  ): JobInfo {
    const controller = new AbortController();
    const info: JobInfo = {
      id: randomUUID(),
      kind,
      state: 'running',
      ...target,
      done: 0,
      total: 0,
      message: 'Starting…',
      startedAt: new Date().toISOString(),
    };
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, message, unit) => {
        info.done = done;
        info.total = total;
        info.message = message;
        if (unit) info.unit = unit;
        else delete info.unit;
        const now = Date.now();
        if (done === total || now - (this.lastEmit.get(info.id) ?? 0) >= 100) {
          this.lastEmit.set(info.id, now);
          this.onChange({ ...info });
        }
      },
    };
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
      try {
        await onEnd?.({ ...info });
      } catch (err) {
        console.error('wukong: job epilogue failed:', err);
      }
      this.onChange({ ...info });
      return { ...info };
    })();
    this.jobs.set(info.id, { info, controller, finished });
    return { ...info };
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
  }
}
