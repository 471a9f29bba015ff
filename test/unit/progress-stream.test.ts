import { describe, expect, it } from 'vitest';
import { streamProgress } from '../../core/util/progress-stream.js';

describe('streamProgress', () => {
  it('yields each report while the task runs, then returns its result', async () => {
    const seen: string[] = [];
    const gen = streamProgress<number, string>(async (report) => {
      for (let i = 1; i <= 3; i++) {
        report(i);
        seen.push(`reported ${i}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return 'done';
    });
    let step = await gen.next();
    // The first report arrives before the task has finished.
    expect(step).toEqual({ value: 1, done: false });
    expect(seen).not.toContain('reported 3');
    const rest: number[] = [];
    for (step = await gen.next(); !step.done; step = await gen.next()) rest.push(step.value as number);
    expect(rest).toEqual([2, 3]);
    expect(step.value).toBe('done');
  });

  it('passes the task failure on', async () => {
    const gen = streamProgress<number, void>(async (report) => {
      report(1);
      throw new Error('broken');
    });
    expect((await gen.next()).value).toBe(1);
    await expect(gen.next()).rejects.toThrow('broken');
  });
});
