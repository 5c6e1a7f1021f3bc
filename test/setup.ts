// Load tfjs the way the package does (lib/tf.ts: core + layers, whose bundle registers the gradient functions,
// + chained tensor methods), so tests that import single lib modules see the same tfjs as users do.
import '../lib/tf.js';
import { setDefaultProgress } from '../lib/train/fit.js';

// No progress bars in test output: library code does not know the test runner, it is told like any caller.
setDefaultProgress(false);
