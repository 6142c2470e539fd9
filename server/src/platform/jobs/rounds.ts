/**
 * Run `round` every `intervalMs` in this process (the platform's background work: ticket timers,
 * metric folding, webhook delivery). Rounds never overlap within a process; across processes the
 * round itself must claim its rows (FOR UPDATE SKIP LOCKED). The timer does not keep the process
 * alive. The returned stop waits for a running round; `stopped()` lets a long round end early.
 */
export function startRounds(round: (stopped: () => boolean) => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = round(() => stopped)
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
