import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../core/service/jobs.js';

describe('a job ending', () => {
  it('stays live until its epilogue (the document being saved) has run', async () => {
    const runner = new JobRunner(() => {});
    let release!: () => void;
    const saved = new Promise<void>((resolve) => (release = resolve));
    let inEpilogue!: () => void;
    const reached = new Promise<void>((resolve) => (inEpilogue = resolve));
    const job = runner.start('index', { docId: 'd1' }, async () => {}, async () => {
      inEpilogue();
      await saved;
    });
    await reached;
    // The work is over, its state says so, but the document is not saved yet: not interrupted.
    expect(runner.get(job.id)?.state).toBe('done');
    expect(runner.isLive(job.id)).toBe(true);
    release();
    await runner.wait(job.id);
    expect(runner.isLive(job.id)).toBe(false);
  });
});
