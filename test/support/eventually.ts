/**
 * Retries `assertion` until it stops throwing, then returns its value; after `timeoutMs` the last
 * failure is thrown, so the test reports what was still wrong (a polling `expect`).
 */
export async function eventually<T>(assertion: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (failure) {
      if (Date.now() > deadline) throw failure;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
