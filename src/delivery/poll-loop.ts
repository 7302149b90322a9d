/**
 * The loop the dispatcher and the scheduler share: `tick()` runs one round of work, never two at
 * once (a second call while one runs gets the same promise); after `start()` each round is
 * followed by a timer set to `nextDelayMs()` and then another round, until `stop()`.
 */
export interface PollLoop {
  /** Runs a round now (or joins the one in progress); resolves to what the round returned. */
  tick(): Promise<number>;
  /**
   * Runs a round that starts after this call (waiting for the one in progress, which may have
   * looked before the caller's rows were committed); resolves to what that round returned.
   */
  flush(): Promise<number>;
  /** Runs a round now, then keeps polling. */
  start(): void;
  /**
   * Runs a round now if started (new work was queued), then keeps polling. Called during a round,
   * it runs one more round right after it: the work may have been queued after that round looked.
   */
  wake(): void;
  /** Waits for the round in progress and stops polling. */
  stop(): Promise<void>;
}

/**
 * `round` must not reject (it logs its own failures); `nextDelayMs` is read after each round, so it
 * may look at what is due next.
 */
export function createPollLoop(round: () => Promise<number>, nextDelayMs: () => Promise<number>): PollLoop {
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let wokenDuringRound = false;

  /** Whether the round in progress was started by the timer or a wake-up rather than by `tick()`. */
  let runningInBackground = false;

  function startRound(background: boolean): Promise<number> {
    runningInBackground = background;
    // Cleared in `finally` (always after this assignment, even when the round ends synchronously).
    running = round().finally(() => {
      running = undefined;
      if (wokenDuringRound) {
        wokenDuringRound = false;
        setImmediate(wake);
      }
    });
    return running;
  }

  /**
   * Joins a round another `tick()` started; a background round (timer, wake-up) may have looked
   * before the caller's rows were committed, so the caller waits for it and gets a round of its own.
   */
  function tick(): Promise<number> {
    if (!running) return startRound(false);
    if (!runningInBackground) return running;
    return running
      .catch(() => 0)
      .then(() => (running && !runningInBackground ? running : running ? tick() : startRound(false)));
  }

  function background(): Promise<number> {
    return running ?? startRound(true);
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    void nextDelayMs()
      .catch(() => 1000)
      .then((delayMs) => {
        if (stopped) return;
        clearTimeout(timer);
        timer = setTimeout(() => void background().finally(schedule), delayMs);
      });
  }

  function wake(): void {
    if (stopped) return;
    if (running) wokenDuringRound = true;
    else void background().finally(schedule);
  }

  async function flush(): Promise<number> {
    if (running) await running.catch(() => 0);
    return tick();
  }

  return {
    tick,
    flush,
    start(): void {
      stopped = false;
      void background().finally(schedule);
    },
    wake,
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
