import { describe, expect, it } from 'vitest';
import { segmentationScores } from '../../lib/eval/segmentation-iou.js';

describe('segmentationScores', () => {
  it('gives per-class IoU, mean IoU and pixel accuracy worked out by hand', () => {
    // 3 classes, 8 pixels
    const truth = [0, 0, 0, 1, 1, 1, 2, 2];
    const pred = [0, 0, 1, 1, 1, 2, 2, 0];
    // class 0: TP 2, pred 0 at {0,1,7}, truth 0 at {0,1,2} → union 4 → 1/2
    // class 1: TP 2 ({3,4}), pred {2,3,4}, truth {3,4,5} → union 4 → 1/2
    // class 2: TP 1 ({6}), pred {5,6}, truth {6,7} → union 3 → 1/3
    const s = segmentationScores(pred, truth, 3);
    expect(s.perClass[0]).toBeCloseTo(1 / 2, 12);
    expect(s.perClass[1]).toBeCloseTo(1 / 2, 12);
    expect(s.perClass[2]).toBeCloseTo(1 / 3, 12);
    expect(s.meanIoU).toBeCloseTo((1 / 2 + 1 / 2 + 1 / 3) / 3, 12);
    expect(s.foregroundMeanIoU).toBeCloseTo((1 / 2 + 1 / 3) / 2, 12);
    expect(s.pixelAccuracy).toBeCloseTo(5 / 8, 12);
    expect(Array.from(s.confusion)).toEqual([2, 1, 0, 0, 2, 1, 1, 0, 1]);
  });

  it('leaves out a class absent from truth and prediction; a class only predicted counts with IoU 0', () => {
    const s = segmentationScores([0, 1, 1, 3], [0, 1, 1, 1], 4);
    expect(s.perClass[0]).toBe(1);
    expect(s.perClass[1]).toBeCloseTo(2 / 3, 12);
    expect(s.perClass[2]).toBeNaN();
    expect(s.perClass[3]).toBe(0);
    expect(s.meanIoU).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
  });

  it('is 1 for a perfect prediction and agrees with the binary foreground IoU for two classes', () => {
    const t = [0, 1, 1, 0, 1, 0, 0, 1];
    expect(segmentationScores(t, t, 2).meanIoU).toBe(1);
    const p = [1, 1, 0, 0, 1, 1, 0, 1];
    // foreground: intersection {1,4,7} = 3, union {0,1,2,4,5,7} = 6
    expect(segmentationScores(p, t, 2).perClass[1]).toBeCloseTo(0.5, 12);
    expect(segmentationScores(Int32Array.from(p), Int32Array.from(t), 2).foregroundMeanIoU).toBeCloseTo(0.5, 12);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => segmentationScores([0], [0], 1)).toThrow("argument 'numClasses'");
    expect(() => segmentationScores([0, 1], [0], 2)).toThrow("argument 'pred'");
    expect(() => segmentationScores([0, 2], [0, 1], 2)).toThrow("argument 'pred'");
    expect(() => segmentationScores([0, 1], [0, -1], 2)).toThrow("argument 'truth'");
    expect(() => segmentationScores([], [], 2)).toThrow("argument 'truth'");
  });
});
