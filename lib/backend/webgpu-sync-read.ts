/**
 * Synchronous reads on the webgpu backend in Node: one behaviour at every size — they throw.
 *
 * tfjs-backend-webgpu reads a tensor synchronously (`dataSync`, `arraySync`, `bufferSync`, `print`, `toString`)
 * either from the CPU copy it still holds (a tensor made from an array, or a small result it computed on the CPU) or
 * through `OffscreenCanvas`, which Node lacks. So, unguarded, `tf.tensor([1, 2]).dataSync()` works and
 * `tf.matMul(a, b).dataSync()` on 256×256 fails: code that works at toy size breaks at real size.
 *
 * A genuine synchronous read is not possible with the `webgpu` package (Dawn's Node binding, 0.6): a buffer's
 * `mapAsync` only completes when Node's event loop runs Dawn's event processing — a synchronous loop polling
 * `buffer.mapState` (with or without `queue.submit([])`) stays at 'pending' indefinitely (tried with 5 million
 * polls over 3 s), and the binding exposes neither `instance.processEvents()` nor a device tick to JS.
 *
 * Hence {@link guardSyncReads}: every synchronous read of a tensor that lives on the webgpu backend throws
 * {@link SYNC_READ_MESSAGE}, whatever its size and wherever its values are. It wraps the engine's `readSync`, the
 * one path all user-facing synchronous reads take; the backend's own kernels that compute small results on the CPU
 * call `backend.readSync` directly and keep working. Other backends (cpu, tensorflow) are not affected.
 */
import * as tf from '@tensorflow/tfjs-core';

export const SYNC_READ_MESSAGE =
  'synchronous GPU read (dataSync/arraySync/print/toString) is not available on the webgpu backend in Node. ' +
  'Use the async form: `await t.data()`, `await t.array()`, or `await show(t)`.';

interface EngineLike {
  readSync(dataId: object): unknown;
  registry: Record<string, unknown>;
  state: { tensorInfo: { get(dataId: object): { backend: unknown } | undefined } };
}

const GUARDED = Symbol.for('reprlab.syncReadGuard');

/** Make every synchronous read of a webgpu tensor throw {@link SYNC_READ_MESSAGE} (idempotent). */
export function guardSyncReads(): void {
  const engine = tf.engine() as unknown as EngineLike & { [GUARDED]?: boolean };
  if (engine[GUARDED]) return;
  const original = engine.readSync.bind(engine);
  engine.readSync = (dataId: object) => {
    const webgpu = engine.registry.webgpu;
    if (webgpu !== undefined && engine.state.tensorInfo.get(dataId)?.backend === webgpu) throw new Error(SYNC_READ_MESSAGE);
    return original(dataId);
  };
  engine[GUARDED] = true;
}
