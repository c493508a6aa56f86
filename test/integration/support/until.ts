// The one wait of the integration tests: re-checks `cond` until it holds, and fails loudly, naming what it waited
// for, at the deadline. (Node state has no push to the tests, so a short re-check is the event here.)
export async function until(what: string, cond: () => boolean | Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
