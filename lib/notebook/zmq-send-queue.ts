/**
 * One send at a time on each ZeroMQ socket of the tslab kernel.
 *
 * zeromq.js 6 refuses a `send` while the socket's previous one is still in flight: it throws EBUSY ("Socket is
 * busy writing; only one send operation may be in progress at any time"). tslab 1.0 sends without waiting (its
 * `signAndSend` does not await), so a busy iopub socket — a cell streaming output or progress-bar updates while
 * the next execute request arrives and tslab publishes its status — throws out of a ZeroMQ callback and the
 * kernel process dies: nbclient reports "Kernel died" with no error, mid-notebook (seen in notebooks 02 and 04 at
 * laptop size, 2026-12-02; the kernel's stderr, kept by scripts/notebooks.mjs, named the EBUSY).
 *
 * {@link queueSends} wraps a socket prototype's `send` so that each socket's sends are chained: a send starts when
 * the previous one has settled, in call order, and every caller still gets the promise of its own send. A failed
 * send is reported on stderr instead of taking the kernel down (a caller that awaits it still sees the error).
 * lib/notebook/tslab-kernel.ts applies it before starting tslab.
 */

type Send = (this: object, ...args: unknown[]) => Promise<void>;
const QUEUED = Symbol.for('reprlab.queuedSend');
/** Each socket's last send (zeromq's sockets are not extensible: the chains live here, not on the sockets). */
const chains = new WeakMap<object, Promise<void>>();

/**
 * Give `proto` (a socket class's prototype, e.g. zeromq's `Publisher.prototype`) a `send` that queues per socket,
 * wrapping the one it has or inherits (idempotent). Returns false when there is no `send` to wrap.
 */
export function queueSends(proto: { send?: unknown }, report: (err: unknown) => void = defaultReport): boolean {
  const original = proto.send as (Send & { [QUEUED]?: true }) | undefined;
  if (typeof original !== 'function') return false;
  if (original[QUEUED]) return true;
  const queued = function (this: object, ...args: unknown[]): Promise<void> {
    const previous = chains.get(this) ?? Promise.resolve();
    const mine = previous.then(
      () => original.apply(this, args),
      () => original.apply(this, args),
    );
    // never an unhandled rejection (which would end the process): report it; an awaiting caller still gets it
    mine.catch(report);
    chains.set(this, mine);
    return mine;
  } as Send & { [QUEUED]?: true };
  queued[QUEUED] = true;
  // zeromq's native Socket.prototype.send is read-only: define an own `send` on the (sub)class prototype instead
  Object.defineProperty(proto, 'send', { value: queued, writable: true, configurable: true, enumerable: false });
  return true;
}

function defaultReport(err: unknown): void {
  process.stderr.write(`reprlab kernel: a ZeroMQ send failed: ${err instanceof Error ? err.message : String(err)}\n`);
}
