/** One-line notices printed at most once per process (e.g. "using the mini subset"). */
const shown = new Set<string>();

/** Print `message` with console.log unless this key was printed before in this process. */
export function noticeOnce(key: string, message: string): void {
  if (shown.has(key)) return;
  shown.add(key);
  console.log(message);
}

/** Forget which notices were printed (tests). */
export function resetNotices(): void {
  shown.clear();
}
