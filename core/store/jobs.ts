/**
 * The jobs table: every parse, index, download and install, with the process that runs it. The
 * owner writes a heartbeat while the job runs, so another process can tell a job that is alive
 * (do not start it twice, do not call its document interrupted) from one whose process died.
 */
import type { ErrorInfo, JobInfo, JobKind, JobState } from '../api.js';
import type { Db } from './database.js';

/** A running job whose owner has not beaten for this long is dead, whatever its pid says (pids get reused). */
export const HEARTBEAT_STALE_MS = 30_000;
/** Finished jobs are kept this long (for looking back at failures), then dropped. */
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;

interface Row {
  id: string;
  kind: JobKind;
  doc_id: string | null;
  model_id: string | null;
  state: JobState;
  done: number;
  total: number;
  message: string;
  error: string | null;
  started_at: string;
  ended_at: string | null;
  owner_pid: number;
  heartbeat_at: number;
}

export interface StoredJob {
  info: JobInfo;
  ownerPid: number;
  heartbeatAt: number;
}

function fromRow(r: Row): StoredJob {
  const info: JobInfo = { id: r.id, kind: r.kind, state: r.state, done: r.done, total: r.total, message: r.message, startedAt: r.started_at };
  if (r.doc_id !== null) info.docId = r.doc_id;
  if (r.model_id !== null) info.modelId = r.model_id;
  if (r.error !== null) info.error = JSON.parse(r.error) as ErrorInfo;
  if (r.ended_at !== null) info.endedAt = r.ended_at;
  return { info, ownerPid: r.owner_pid, heartbeatAt: r.heartbeat_at };
}

/** Whether a process with this id exists (EPERM: it does, it just belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

export function isLiveJob(job: StoredJob, now = Date.now()): boolean {
  return job.info.state === 'running' && now - job.heartbeatAt < HEARTBEAT_STALE_MS && processAlive(job.ownerPid);
}

export class JobStore {
  constructor(
    private readonly db: Db,
    private readonly pid = process.pid,
  ) {}

  insert(info: JobInfo, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, doc_id, model_id, state, done, total, message, error, started_at, ended_at, owner_pid, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(info.id, info.kind, info.docId ?? null, info.modelId ?? null, info.state, info.done, info.total, info.message,
        info.error ? JSON.stringify(info.error) : null, info.startedAt, info.endedAt ?? null, this.pid, now);
  }

  /** Progress and outcome; each update is also a heartbeat. */
  update(info: JobInfo, now = Date.now()): void {
    this.db
      .prepare('UPDATE jobs SET state = ?, done = ?, total = ?, message = ?, error = ?, ended_at = ?, heartbeat_at = ? WHERE id = ?')
      .run(info.state, info.done, info.total, info.message, info.error ? JSON.stringify(info.error) : null, info.endedAt ?? null, now, info.id);
  }

  heartbeat(ids: string[], now = Date.now()): void {
    if (!ids.length) return;
    const beat = this.db.prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running'");
    this.db.transaction(() => ids.forEach((id) => beat.run(now, id)))();
  }

  get(id: string): StoredJob | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Running, and its owner alive and beating: some process is working on it right now. */
  isLive(id: string, now = Date.now()): boolean {
    return this.liveOwner(id, now) !== undefined;
  }

  /** The pid of the live process running the job, if one is. */
  liveOwner(id: string, now = Date.now()): number | undefined {
    const job = this.get(id);
    return job && isLiveJob(job, now) ? job.ownerPid : undefined;
  }

  /** Jobs the table says are running, live or left behind by a process that ended, except those named. */
  running(except: ReadonlySet<string>): StoredJob[] {
    const rows = this.db.prepare("SELECT * FROM jobs WHERE state = 'running' ORDER BY started_at").all() as Row[];
    return rows.filter((r) => !except.has(r.id)).map(fromRow);
  }

  prune(now = Date.now()): void {
    // A job left running by a dead process stops beating: it goes once its last beat is that old.
    this.db.prepare("DELETE FROM jobs WHERE (state != 'running' AND started_at < ?) OR heartbeat_at < ?").run(new Date(now - KEEP_FINISHED_MS).toISOString(), now - KEEP_FINISHED_MS);
  }
}
