import { describe, expect, it } from 'vitest';
import { queueSends } from '../../lib/notebook/zmq-send-queue.js';

/** A socket like zeromq.js 6's: a send while the previous one is in flight throws EBUSY. */
class FakeSocket {
  busy = false;
  sent: unknown[] = [];
  constructor() {
    Object.preventExtensions(this); // zeromq's sockets are not extensible either
  }
  send(msg: unknown): Promise<void> {
    if (this.busy) throw Object.assign(new Error('Socket is busy writing; only one send operation may be in progress at any time'), { code: 'EBUSY' });
    this.busy = true;
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        this.busy = false;
        if (msg === 'bad') reject(new Error('bad message'));
        else {
          this.sent.push(msg);
          resolve();
        }
      }, 2),
    );
  }
}

describe('queueSends (tslab kernel: one ZeroMQ send at a time)', () => {
  it('without it a second send in flight throws EBUSY (the kernel death)', () => {
    const s = new FakeSocket();
    void s.send('status busy');
    expect(() => s.send('status idle')).toThrow(/EBUSY|busy writing/);
  });

  it('with it every send goes out, in call order, on each socket separately; a failed send is reported, not thrown', async () => {
    class Queued extends FakeSocket {}
    const reported: unknown[] = [];
    expect(queueSends(Queued.prototype as { send?: unknown }, (e) => reported.push(e))).toBe(true);
    expect(queueSends(Queued.prototype as { send?: unknown })).toBe(true); // idempotent: not wrapped twice
    const a = new Queued();
    const b = new Queued();
    const sends = ['m0', 'm1', 'bad', 'm3'].map((m) => a.send(m));
    const other = b.send('x');
    await expect(sends[2]).rejects.toThrow(/bad message/); // an awaiting caller sees its own failure
    await Promise.all([sends[0], sends[1], sends[3], other]);
    expect(a.sent).toEqual(['m0', 'm1', 'm3']);
    expect(b.sent).toEqual(['x']);
    expect(reported).toHaveLength(1);
    expect(queueSends({})).toBe(false);
  });

  it('wraps a read-only inherited send (zeromq\'s native Socket.prototype.send) on the subclass', async () => {
    class Base extends FakeSocket {}
    Object.defineProperty(Base.prototype, 'send', { value: FakeSocket.prototype.send, writable: false, configurable: false });
    class Publisher extends Base {}
    expect(queueSends(Publisher.prototype as { send?: unknown })).toBe(true);
    const p = new Publisher();
    await Promise.all([p.send('a'), p.send('b')]);
    expect(p.sent).toEqual(['a', 'b']);
  });

  it('the zeromq tslab loads has a send on the sockets it opens, and the wrapping takes on their subclasses', async () => {
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const req = createRequire(import.meta.url);
    const zmq = createRequire(join(dirname(req.resolve('tslab/package.json')), 'package.json'))('zeromq') as Record<string, { prototype: object }>;
    const proto = Object.getPrototypeOf(zmq.Publisher!.prototype) as { send?: unknown };
    expect(typeof proto.send).toBe('function');
    for (const k of ['Publisher', 'Router', 'Reply']) {
      class Probe extends (zmq[k] as unknown as new () => object) {}
      expect(queueSends(Probe.prototype as { send?: unknown })).toBe(true);
      expect(Object.getOwnPropertyDescriptor(Probe.prototype, 'send')?.value).toBeTypeOf('function');
    }
  });
});
