/** Where a command writes: injectable so tests can run commands in-process and read what they print. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress for people: overwritten in place on a terminal, silent otherwise. */
  progress(text: string): void;
  /** stderr is a terminal: progress can be redrawn in place (else plain lines, if any). */
  readonly interactive?: boolean;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  progress: (t) => {
    if (!process.stderr.isTTY) return;
    process.stderr.write(`\r\x1b[2K${t}`);
    if (t === '') process.stderr.write('\r');
  },
  get interactive() {
    return Boolean(process.stderr.isTTY);
  },
};
