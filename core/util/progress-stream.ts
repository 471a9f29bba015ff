/**
 * Runs a long task that reports progress and yields each report as it comes, then returns the
 * task's result: so a stream (ask, generate) shows "building the model graph" while it happens.
 */
export async function* streamProgress<P, T>(task: (report: (p: P) => void) => Promise<T>): AsyncGenerator<P, T> {
  const queue: P[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  const running = task((p) => {
    queue.push(p);
    wake?.();
  }).finally(() => {
    settled = true;
    wake?.();
  });
  // Keeps an early rejection from being reported as unhandled before it is awaited below.
  running.catch(() => {});
  while (!settled || queue.length) {
    if (queue.length) yield queue.shift()!;
    else await new Promise<void>((r) => (wake = r));
  }
  return running;
}
