import { describe, expect, it } from 'vitest';
import { convertColors, disentanglement } from '../../lib/index.js';
import { dominantColor, randomColors, rgbToHsv, rgbToLab } from '../../lib/classical/index.js';
import { hsvToRgb } from '../../lib/data/raster.js';
import { expectClose } from '../helpers.js';

describe('colour spaces', () => {
  it('RGB → HSV on primaries, secondaries and grey; round trip', () => {
    expectClose(rgbToHsv(1, 0, 0), [0, 1, 1], 1e-12);
    expectClose(rgbToHsv(0, 1, 0), [1 / 3, 1, 1], 1e-12);
    expectClose(rgbToHsv(0, 0, 1), [2 / 3, 1, 1], 1e-12);
    expectClose(rgbToHsv(1, 1, 0), [1 / 6, 1, 1], 1e-12);
    expectClose(rgbToHsv(1, 0, 1), [5 / 6, 1, 1], 1e-12);
    expectClose(rgbToHsv(0.5, 0.5, 0.5), [0, 0, 0.5], 1e-12);
    expectClose(rgbToHsv(0.5, 0.25, 0.25), [0, 0.5, 0.5], 1e-12);
    for (const [h, s, v] of [[0.1, 0.5, 0.9], [0.55, 0.9, 0.3], [0.95, 0.2, 0.6]] as const) expectClose(rgbToHsv(...hsvToRgb(h, s, v)), [h, s, v], 1e-9);
  });

  it('RGB → CIE LAB (D65) on reference values', () => {
    expectClose(rgbToLab(1, 1, 1), [100, 0, 0], 0.02);
    expectClose(rgbToLab(0, 0, 0), [0, 0, 0], 1e-9);
    expectClose(rgbToLab(1, 0, 0), [53.24, 80.09, 67.2], 0.02);
    expectClose(rgbToLab(0, 1, 0), [87.73, -86.18, 83.18], 0.02);
    expectClose(rgbToLab(0, 0, 1), [32.3, 79.19, -107.86], 0.02);
    const grey = rgbToLab(0.5, 0.5, 0.5);
    expect(grey[0]).toBeCloseTo(53.39, 1);
    expectClose(convertColors(new Float32Array([1, 0, 0, 0, 0, 1]), 'hsv'), [0, 1, 1, 2 / 3, 1, 1], 1e-6);
    expect(() => convertColors(new Float32Array(4), 'hsv')).toThrow(/triples/);
  });

  it('dominant colour: the most common colour bin, background skipped with minBrightness', () => {
    const px = 10;
    const images = new Float32Array(px * 3);
    for (let p = 0; p < px; p++) images.set(p < 5 ? [0.05, 0.05, 0.05] : p < 8 ? [1, 0, 0] : [0, 0, 1], p * 3);
    const set = { images, n: 1, height: 1, width: px, channels: 3 };
    expectClose(dominantColor(set).data, [0.05, 0.05, 0.05], 1e-6);
    expectClose(dominantColor(set, { minBrightness: 0.25 }).data, [1, 0, 0], 1e-6);
    expectClose(dominantColor(set, { minBrightness: 0.25, space: 'hsv' }).data, [0, 1, 1], 1e-6);
    expect(() => dominantColor({ ...set, channels: 1, width: 30 })).toThrow(/RGB/);
  });

  it('the synthetic colour set: HSV disentangles its factors better than RGB', () => {
    const { rgb, factors } = randomColors({ n: 500, seed: 1 });
    expect(Array.from(randomColors({ n: 5, seed: 1 }).rgb.data)).toEqual(Array.from(rgb.data.subarray(0, 15)));
    const hsv = { ...rgb, data: convertColors(rgb.data, 'hsv') };
    expect(disentanglement(hsv, factors)).toBeGreaterThan(0.9);
    expect(disentanglement(rgb, factors)).toBeLessThan(disentanglement(hsv, factors) - 0.3);
  });
});
