/**
 * The course's Jupyter kernel: tslab, with one send at a time on each ZeroMQ socket (lib/notebook/zmq-send-queue.ts
 * says why: without it a busy output socket kills the kernel mid-notebook).
 *
 *   node dist/notebook/tslab-kernel.js kernel --config-path {connection_file}
 *
 * is what scripts/register-kernel.sh registers and the grader's sandbox runs (grader/sandbox.ts). Arguments are
 * tslab's own. Not part of the library's exports: importing it starts a kernel.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fixTslabLeadingUnderscores } from './tslab-names.js';
import { queueSends } from './zmq-send-queue.js';

const require = createRequire(import.meta.url);
const tslabDir = dirname(require.resolve('tslab/package.json'));
// the zeromq tslab itself loads (resolved from tslab's folder: the same module instance)
const zmq = createRequire(join(tslabDir, 'package.json'))('zeromq') as Record<string, { prototype: { send?: unknown } } | undefined>;
// the socket kinds tslab sends on without waiting (iopub; shell, control, stdin). Not its heartbeat Reply socket:
// a Reply must send before its next receive, so its sends cannot be deferred (and it never has two in flight).
for (const kind of ['Publisher', 'Router']) {
  const socket = zmq[kind];
  if (!socket || !queueSends(socket.prototype)) throw new Error(`reprlab kernel: zeromq's ${kind} socket has no send method to queue (zeromq.js changed?)`);
}
fixTslabLeadingUnderscores(tslabDir); // a top-level name starting with '__' compiles (tslab-names.ts)
(require(join(tslabDir, 'dist', 'main.js')) as { main: () => void }).main();
