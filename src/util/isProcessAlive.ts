/** Whether a process id belongs to a live process (lock files name their holder by pid). */

/** True when `pid` is alive (EPERM: alive but not ours to signal). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
