// The benchmark's workloads: training steps of the course's reference models, and the single ops they spend their
// time in. Each workload is { name, group, items, setup(R) -> { run() -> tf.Tensor, flops?, dispose() } }:
// `run()` does one step/op and returns a tensor the harness reads (awaits) to sync the GPU; `flops` is counted
// analytically (ops) or from the kernels of one profiled step (steps, see measure.mjs); `items` is images per step.
// `torch` describes the same workload for scripts/bench/torch_workloads.py (--vs-torch); `family` names a step
// without its batch size, so steps measured at different B can be compared per image.
//
// Inputs are made once per workload and perturbed on the GPU: the bench is about compute, not data loading or
// JS-side random numbers (the two augmented SimCLR views are two noise-perturbed copies of one batch).

const FMNIST = [28, 28, 1];
const CIFAR = [32, 32, 3];

/**
 * Sizes: `quick` runs on a CPU box (lavapipe / cpu backend) in a few minutes; full sizes are for a GPU host, except on
 * the CPU engines (wasm, cpu), whose full sizes are the issue-12 set measured beside PyTorch: SimCLR B = 32 and 256 on
 * 28×28×1 and 32×32×3, supervised B = 32 and 256, matmul 512/1024, the convolutions of a B = 32 SimCLR step (2 views
 * = 64 images). The cpu backend keeps only the B = 32 steps (a B = 256 step takes about a minute there); the bench
 * compares the other engines' B = 256 steps with its B = 32 ones per image. The cpu backend's quick sizes are smaller
 * still: its Conv2DBackpropFilter is slow (a scalar JS loop before lib/kernels/cpu-conv.ts).
 * simclr and supervised entries are [batch, [height, width, channels]].
 */
export function sizes(quick, backend) {
  if (quick && backend === 'cpu')
    return { simclr: [[2, CIFAR]], supervised: [[2, CIFAR]], mae: [2], matmul: [128, 256], ntxent: [[32, 128], [128, 128]], convBatch: 1, fashionBatch: 1, ops: { matmulRepeat: 1, convRepeat: 1 } };
  if (quick)
    return {
      simclr: [[8, CIFAR]],
      supervised: [[8, CIFAR]],
      mae: [4],
      matmul: [128, 256],
      ntxent: [[32, 128], [128, 128]], // [N, D]: 2N rows
      convBatch: 4,
      fashionBatch: 4,
      ops: { matmulRepeat: 1, convRepeat: 1 },
    };
  if (backend === 'wasm' || backend === 'cpu') {
    const batches = backend === 'cpu' ? [32] : [32, 256];
    return {
      simclr: [FMNIST, CIFAR].flatMap((shape) => batches.map((b) => [b, shape])),
      supervised: batches.map((b) => [b, FMNIST]),
      mae: [],
      matmul: [512, 1024],
      ntxent: [[256, 128]],
      convBatch: 64,
      fashionBatch: 64,
      ops: { matmulRepeat: 1, convRepeat: 1 },
    };
  }
  return {
    simclr: [[256, CIFAR], [1024, CIFAR]],
    supervised: [[256, CIFAR]],
    mae: [256],
    matmul: [1024, 2048],
    ntxent: [[256, 128], [1024, 128]], // [N, D]: the SimCLR step's loss at B=256 and 1024 (projection dim 128)
    convBatch: 512, // 2 views × B=256: what the SimCLR step's convs see
    fashionBatch: 256,
    ops: { matmulRepeat: 10, convRepeat: 5 },
  };
}

const TAU = 0.5;

/** NT-Xent (SimCLR) with temperature τ, inline with tf ops: z = normalise([z1; z2]), s = z zᵀ/τ, diagonal removed. */
function ntXentInline(tf, z1, z2, tau = TAU) {
  return tf.tidy(() => {
    const n = z1.shape[0];
    const z = tf.concat([z1, z2], 0);
    const zn = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12));
    const sim = tf.div(tf.matMul(zn, zn, false, true), tau);
    const masked = tf.sub(sim, tf.mul(tf.eye(2 * n), 1e9));
    const a = zn.slice([0, 0], [n, -1]);
    const b = zn.slice([n, 0], [n, -1]);
    const pos = tf.div(tf.sum(tf.mul(a, b), 1), tau);
    const lse = tf.logSumExp(masked, 1);
    return tf.mean(tf.sub(lse, tf.concat([pos, pos], 0)));
  });
}

/** The library's NT-Xent when lib/losses has it (checked against the inline formula once), else the inline one. */
async function pickNtXent(R) {
  const tf = R.tf;
  if (typeof R.ntXent !== 'function') return { fn: (z1, z2) => ntXentInline(tf, z1, z2), source: 'inline (lib/losses has no ntXent yet)' };
  const z1 = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
  const z2 = tf.randomNormal([6, 5], 0, 1, 'float32', 2);
  const lib = (z1, z2) => R.ntXent(z1, z2, { temperature: TAU });
  try {
    const a = tf.tidy(() => lib(z1, z2));
    const b = ntXentInline(tf, z1, z2);
    const [va, vb] = [(await a.data())[0], (await b.data())[0]];
    tf.dispose([a, b]);
    if (a.size === 1 && Math.abs(va - vb) <= 1e-3 * Math.max(1, Math.abs(vb))) return { fn: lib, source: 'lib ntXent' };
    return { fn: (z1, z2) => ntXentInline(tf, z1, z2), source: `inline (lib ntXent gave ${va}, the formula ${vb})` };
  } catch (err) {
    return { fn: (z1, z2) => ntXentInline(tf, z1, z2), source: `inline (lib ntXent failed: ${String(err).slice(0, 80)})` };
  } finally {
    tf.dispose([z1, z2]);
  }
}

const trainable = (models) => models.flatMap((m) => m.trainableWeights.map((w) => w.read()));

const WIDTHS = [32, 64, 128];
const shapeName = (shape) => shape.join('x');

/**
 * The reference SimCLR step: smallCnn [32,64,128] + GAP + projection head 128-128-64, NT-Xent τ=0.5, Adam 1e-3, on
 * B images of `shape` (two views: 2B through the encoder). `torch` is the same step for scripts/bench/torch_workloads.py.
 */
function simclrStep([B, shape]) {
  return {
    name: `simclr step B=${B} ${shapeName(shape)}`,
    family: `simclr step ${shapeName(shape)}`,
    group: 'step',
    items: B,
    torch: { kind: 'simclr', batch: B, shape, widths: WIDTHS, hidden: 128, out: 64, tau: TAU, lr: 1e-3 },
    async setup(R) {
      const tf = R.tf;
      const encoder = R.smallCnn({ inputShape: shape, widths: WIDTHS, seed: 1 });
      const head = R.projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64, seed: 2 });
      const opt = tf.train.adam(1e-3);
      const x = tf.randomUniform([B, ...shape], 0, 1, 'float32', 3);
      const n1 = tf.randomNormal([B, ...shape], 0, 0.1, 'float32', 4);
      const n2 = tf.randomNormal([B, ...shape], 0, 0.1, 'float32', 5);
      const loss = await pickNtXent(R);
      const vars = trainable([encoder, head]);
      return {
        note: `NT-Xent: ${loss.source}`,
        run: () =>
          opt.minimize(
            () => {
              const views = tf.concat([tf.add(x, n1), tf.add(x, n2)], 0);
              const z = head.apply(encoder.apply(views, { training: true }), { training: true });
              return loss.fn(z.slice([0, 0], [B, -1]), z.slice([B, 0], [B, -1]));
            },
            true,
            vars,
          ),
        dispose() {
          tf.dispose([x, n1, n2]);
          encoder.dispose();
          head.dispose();
          opt.dispose();
        },
      };
    },
  };
}

/** Supervised step: the same CNN + linear classifier (10 classes), softmax cross-entropy, Adam. */
function supervisedStep([B, shape]) {
  return {
    name: `supervised step B=${B} ${shapeName(shape)}`,
    family: `supervised step ${shapeName(shape)}`,
    group: 'step',
    items: B,
    torch: { kind: 'supervised', batch: B, shape, widths: WIDTHS, classes: 10, lr: 1e-3 },
    async setup(R) {
      const tf = R.tf;
      const encoder = R.smallCnn({ inputShape: shape, widths: WIDTHS, seed: 1 });
      const clf = R.linearClassifier({ inputDim: 128, numClasses: 10, seed: 2 });
      const opt = tf.train.adam(1e-3);
      const x = tf.randomUniform([B, ...shape], 0, 1, 'float32', 3);
      const labels = tf.tidy(() => tf.oneHot(tf.cast(tf.floor(tf.randomUniform([B], 0, 10, 'float32', 4)), 'int32'), 10));
      const vars = trainable([encoder, clf]);
      return {
        run: () =>
          opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, clf.apply(encoder.apply(x, { training: true }), { training: true })), true, vars),
        dispose() {
          tf.dispose([x, labels]);
          encoder.dispose();
          clf.dispose();
          opt.dispose();
        },
      };
    },
  };
}

/**
 * MAE-like step (lib/methods/mae.ts does not exist yet): 4×4 patches of 32×32×3 (64 tokens of 48), keep 25%,
 * encoder of 2 transformer blocks (D=128, 4 heads, MLP 4D, pre-LN), decoder of 1 block on kept + mask tokens,
 * linear to pixels, MSE on the masked patches, Adam.
 */
function maeStep(B) {
  return {
    name: `mae-like step B=${B}`,
    group: 'step',
    items: B,
    async setup(R) {
      const tf = R.tf;
      const P = 4;
      const T = (32 / P) ** 2;
      const dIn = P * P * 3;
      const D = 128;
      const H = 4;
      const keep = T / 4;
      let seed = 10;
      const param = (shape, scale = 0.02) => tf.variable(tf.randomNormal(shape, 0, scale, 'float32', seed++));
      const zeros = (shape) => tf.variable(tf.zeros(shape));
      const ones = (shape) => tf.variable(tf.ones(shape));
      const block = () => ({ g1: ones([D]), b1: zeros([D]), wqkv: param([D, 3 * D]), wo: param([D, D]), g2: ones([D]), b2: zeros([D]), w1: param([D, 4 * D]), c1: zeros([4 * D]), w2: param([4 * D, D]), c2: zeros([D]) });
      const p = { embed: param([dIn, D]), pos: param([1, T, D]), enc: [block(), block()], maskTok: param([1, 1, D]), dec: [block()], out: param([D, dIn]) };
      const vars = [p.embed, p.pos, p.maskTok, p.out, ...[...p.enc, ...p.dec].flatMap((b) => Object.values(b))];
      const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 3);
      const patches = tf.tidy(() => x.reshape([B, 32 / P, P, 32 / P, P, 3]).transpose([0, 1, 3, 2, 4, 5]).reshape([B, T, dIn]));
      const perm = tf.tensor1d(Array.from({ length: T }, (_, i) => (i * 37) % T), 'int32');
      const keptIdx = perm.slice(0, keep);
      const maskedIdx = perm.slice(keep);
      const opt = tf.train.adam(1e-3);
      const ln = (h, g, b) => {
        const { mean, variance } = tf.moments(h, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      };
      const dense = (h, w, b) => {
        const y = tf.matMul(h.reshape([-1, h.shape[h.shape.length - 1]]), w).reshape([...h.shape.slice(0, -1), w.shape[1]]);
        return b ? tf.add(y, b) : y;
      };
      const attention = (h, blk) => {
        const [n, t] = h.shape;
        const qkv = dense(h, blk.wqkv).reshape([n, t, 3, H, D / H]).transpose([2, 0, 3, 1, 4]); // [3, n, H, t, dh]
        const [q, k, v] = tf.unstack(qkv, 0);
        const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D / H)));
        const o = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([n, t, D]);
        return dense(o, blk.wo);
      };
      const transformer = (h, blk) => {
        const a = tf.add(h, attention(ln(h, blk.g1, blk.b1), blk));
        return tf.add(a, dense(tf.relu(dense(ln(a, blk.g2, blk.b2), blk.w1, blk.c1)), blk.w2, blk.c2));
      };
      return {
        run: () =>
          opt.minimize(
            () => {
              const tokens = tf.add(dense(patches, p.embed), p.pos);
              let h = tf.gather(tokens, keptIdx, 1);
              for (const blk of p.enc) h = transformer(h, blk);
              const masks = tf.add(tf.tile(p.maskTok, [B, T - keep, 1]), tf.gather(p.pos, maskedIdx, 1));
              let d = tf.concat([h, masks], 1);
              for (const blk of p.dec) d = transformer(d, blk);
              const pred = dense(d.slice([0, keep, 0], [-1, -1, -1]), p.out);
              return tf.mean(tf.squaredDifference(pred, tf.gather(patches, maskedIdx, 1)));
            },
            true,
            vars,
          ),
        dispose() {
          tf.dispose([x, patches, perm, keptIdx, maskedIdx, ...vars]);
          opt.dispose();
        },
      };
    },
  };
}

/** Sum of `repeat` results, reduced to one element, so the sync read is 4 bytes. */
function repeated(tf, repeat, f) {
  return () =>
    tf.tidy(() => {
      let last;
      for (let i = 0; i < repeat; i++) {
        if (last) last.dispose();
        last = f();
      }
      return last.reshape([-1]).slice([0], [1]);
    });
}

function matmulOp(n, repeat) {
  return {
    name: `matmul ${n}x${n}x${n}`,
    group: 'op',
    items: null,
    repeat,
    torch: { kind: 'matmul', n, repeat },
    async setup(R) {
      const tf = R.tf;
      const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
      const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
      return { flops: 2 * n ** 3 * repeat, run: repeated(tf, repeat, () => tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
    },
  };
}

/**
 * NT-Xent loss forward + backward (value and both gradients) on two [N, D] views: the library's `ntXent`, which on
 * webgpu with our kernels on is the fused path (lib/kernels/ntxent.ts: two GEMMs + a row kernel + a gradient kernel),
 * else the tf-op reference. FLOPs: the two GEMMs, 2·(2N)²·D each.
 */
function ntxentOp([N, D]) {
  return {
    name: `nt-xent fwd+bwd 2NxD ${2 * N}x${D}`,
    group: 'op',
    items: null,
    torch: { kind: 'ntxent', n: N, d: D, tau: TAU },
    async setup(R) {
      const tf = R.tf;
      const z1 = tf.randomNormal([N, D], 0, 1, 'float32', 1);
      const z2 = tf.tidy(() => tf.add(z1, tf.randomNormal([N, D], 0, 0.5, 'float32', 2)));
      const loss = await pickNtXent(R);
      return {
        note: `NT-Xent: ${loss.source}`,
        flops: 2 * 2 * (2 * N) ** 2 * D,
        run: () =>
          tf.tidy(() => {
            const { value, grads } = tf.valueAndGrads((a, b) => loss.fn(a, b))([z1, z2]);
            return tf.add(value, grads[1].reshape([-1]).slice([0], [1]));
          }),
        dispose: () => tf.dispose([z1, z2]),
      };
    },
  };
}

/** conv2d forward / backprop-filter / backprop-input on [B,H,W,Cin] with a k×k×Cin×Cout filter. */
function convOps(label, [B, H, W, C], cout, { k = 3, stride = 1, pad = 'same', skipInputGrad = false, repeat = 1 } = {}) {
  const shape = `${B}x${H}x${W}x${C}->${cout}` + (stride > 1 ? ` s${stride}` : '');
  const defs = [
    ['fwd', (tf, x, w, dy) => tf.conv2d(x, w, stride, pad)],
    ['bwd-filter', (tf, x, w, dy) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [stride, stride], pad, dataFormat: 'NHWC', filterShape: w.shape })],
  ];
  if (!skipInputGrad) defs.push(['bwd-input', (tf, x, w, dy) => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: [stride, stride], pad, dataFormat: 'NHWC', inputShape: x.shape })]);
  return defs.map(([what, f]) => ({
    name: `conv ${what} ${label} ${shape}`,
    group: 'op',
    items: null,
    repeat,
    torch: { kind: 'conv', what, x: [B, H, W, C], cout, k, stride, pad, repeat },
    async setup(R) {
      const tf = R.tf;
      const x = tf.randomNormal([B, H, W, C], 0, 1, 'float32', 1);
      const w = tf.randomNormal([k, k, C, cout], 0, 0.1, 'float32', 2);
      const probe = tf.conv2d(x, w, stride, pad);
      const dy = tf.randomNormal(probe.shape, 0, 1, 'float32', 3);
      const flops = 2 * dy.size * k * k * C * repeat;
      probe.dispose();
      return { flops, run: repeated(tf, repeat, () => f(tf, x, w, dy)), dispose: () => tf.dispose([x, w, dy]) };
    },
  }));
}

/** Every workload, in print order. `only` filters by group or name substring. */
export function workloads(quick, backend) {
  const s = sizes(quick, backend);
  const b = s.convBatch;
  const f = s.fashionBatch;
  const r = s.ops.convRepeat;
  return [
    ...s.simclr.map(simclrStep),
    ...s.supervised.map(supervisedStep),
    ...s.mae.map(maeStep),
    ...s.matmul.map((n) => matmulOp(n, s.ops.matmulRepeat)),
    ...s.ntxent.map(ntxentOp),
    // The smallCnn's convolutions on 32×32×3 (both SimCLR views in one batch). tfjs-layers' training step also
    // computes the first layer's input gradient (the profile shows it), so it is timed too.
    ...convOps('cifar-l1', [b, 32, 32, 3], 32, { repeat: r }),
    ...convOps('cifar-l2', [b, 16, 16, 32], 64, { repeat: r }),
    ...convOps('cifar-l3', [b, 8, 8, 64], 128, { repeat: r }),
    // Fashion-MNIST 28×28×1 (odd sizes after pooling: 14, 7) and a stride-2 conv.
    ...convOps('fmnist-l1', [f, 28, 28, 1], 32, { repeat: r }),
    ...convOps('fmnist-l3', [f, 7, 7, 64], 128, { repeat: r }),
    ...convOps('stride2', [f, 16, 16, 32], 64, { stride: 2, repeat: r }),
  ];
}
