/** Waits `ms` milliseconds: for a clock-driven rule (an expiry, a window) or a process to move on. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
