// A request that failed before any answer came back (Chromium's ERR_NETWORK_CHANGED when an interface
// comes or goes, a laptop switching networks, a server restarting) is tried again a few times before
// the page says the server cannot be reached. Only requests that change nothing are repeated.

/** Pauses between attempts: the first retry is quick, the later ones give a restarting server time. */
export const retryDelaysMs = [150, 500, 1500] as const;

/**
 * Runs `attempt` until it resolves, or rejects with what the last attempt threw. An error that
 * `isTransient` rejects, or an aborted signal, ends the retries at once.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  isTransient: (e: unknown) => boolean,
  signal?: AbortSignal,
  delaysMs: readonly number[] = retryDelaysMs,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void> = pause,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      if (tries >= delaysMs.length || signal?.aborted || !isTransient(e)) throw e;
      await sleep(delaysMs[tries], signal);
      if (signal?.aborted) throw e;
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
