/** Tiny assertion and polling helpers for the e2e tests (no test framework needed). */

export class AssertionError extends Error {}

export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

/** Poll `fn` until it returns a truthy value or the timeout passes; returns that value. */
export async function waitFor(fn, { timeout = 15_000, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastErr;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new AssertionError(
    `timed out after ${timeout} ms waiting for ${message}` +
      (lastErr ? ` (last error: ${lastErr.message})` : ` (last value: ${JSON.stringify(last)})`),
  );
}
