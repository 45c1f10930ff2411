/** A one-line progress bar on stderr: done/total, rate and time left. Plain lines when not a TTY. */
export class ProgressBar {
  private readonly startedAt = Date.now();
  private lastDrawn = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    const finished = done >= this.total;
    if (!finished && now - this.lastDrawn < (this.stream.isTTY ? 100 : 2000)) return;
    this.lastDrawn = now;
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
    const width = 28;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const line = `${this.label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${this.total} ${rate.toFixed(0)}/s ETA ${eta.toFixed(0)}s ${extra}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
    else this.stream.write(`${line}\n`);
  }
}
