// Serialised, coalesced restarts. Pure: no `vscode` import.
// Bursts of requests (several settings written at once, trust granted while starting...) within
// `delayMs` become one restart; a request made while a restart runs queues exactly one more.

export class RestartQueue {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private queued = false;
  private disposed = false;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  readonly reasons: string[] = [];

  constructor(private readonly run: (reasons: string[]) => Promise<void>, private readonly delayMs = 250) {}

  /** Resolves when a restart that started after this request has finished. */
  request(reason: string): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.reasons.push(reason);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.running) {
      this.queued = true;
    } else {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => { this.timer = undefined; void this.kick(); }, this.delayMs);
    }
    return done;
  }

  get busy(): boolean {
    return !!this.running || !!this.timer;
  }

  private async kick(): Promise<void> {
    if (this.disposed) return;
    const waiters = this.waiters.splice(0);
    const reasons = this.reasons.splice(0);
    let error: unknown;
    this.running = this.run(reasons).catch(e => { error = e; });
    await this.running;
    this.running = undefined;
    for (const w of waiters) (error === undefined ? w.resolve() : w.reject(error));
    if (this.queued && !this.disposed) {
      this.queued = false;
      await this.kick();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w.resolve();
  }
}
