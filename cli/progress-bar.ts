/** Download progress for people: a bar on a terminal, a plain line now and then elsewhere. */
import type { JobInfo } from '../core/api.js';
import { formatBytes } from '../core/util/format.js';

/** `[#########...........]  45%  120.3 MB / 988.1 MB  12.4 MB/s` */
export function formatBar(done: number, total: number, bytesPerSecond: number | null, width = 24): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  const rate = bytesPerSecond === null ? '' : `  ${formatBytes(bytesPerSecond)}/s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(total)}${rate}`;
}

/** Bytes per second over the last few seconds, so a stall shows quickly and a burst does not dominate. */
export class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 5_000, private readonly now: () => number = Date.now) {}

  add(bytes: number): number | null {
    const t = this.now();
    // A restart (a 200 answer to a Range request) goes backwards: measure afresh.
    if (this.samples.length && bytes < this.samples[this.samples.length - 1].bytes) this.samples.length = 0;
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const seconds = (t - first.t) / 1000;
    return seconds >= 0.2 ? (bytes - first.bytes) / seconds : null;
  }
}

/**
 * What to show for each job event: on a terminal, the bar (bytes) or the message (other phases,
 * such as building the graph) redrawn in place; otherwise a line per 10% or per new phase.
 */
export function downloadReporter(interactive: boolean, show: (line: string) => void): (job: JobInfo) => void {
  const meter = new RateMeter();
  let lastLine = '';
  let lastTenth = -1;
  return (job) => {
    if (job.state !== 'running') return;
    const bytes = job.unit === 'bytes' && job.total > 0;
    if (interactive) {
      show(bytes ? `${formatBar(job.done, job.total, meter.add(job.done))}  ${job.message}` : job.message);
      return;
    }
    const tenth = job.total > 0 ? Math.floor((job.done / job.total) * 10) : 0;
    const phase = bytes ? 'bytes' : job.message;
    if (phase === lastLine && tenth === lastTenth) return;
    lastLine = phase;
    lastTenth = tenth;
    show(bytes ? `${Math.floor((job.done / job.total) * 100)}% ${formatBytes(job.done)} / ${formatBytes(job.total)}` : job.message);
  };
}
