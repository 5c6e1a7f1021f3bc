import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { axisTitlesOf, barChart, PLOTLY_MIME, colorOf, figureHtml, heatmap, lineChart, MAX_POINT_LABELS, resetPlotly, scatter, setAxisTitles, smoothSeries } from '../../lib/viz/index.js';
import { show } from '../../lib/notebook/index.js';
import { useBackend } from '../helpers.js';
import { fakeKernel, type FakeKernel } from '../notebook/fake-kernel.js';

let kernel: FakeKernel | undefined;
afterEach(() => {
  kernel?.stop();
  kernel = undefined;
  vi.restoreAllMocks();
});

describe('figure specs', () => {
  it('scatter: one trace per class, class colours and names, point indices for hover thumbnails', async () => {
    const pts = [[0, 0], [1, 1], [2, 2], [3, 3]];
    const fig = await scatter(pts, { labels: [1, 0, 1, 2], classNames: ['a', 'b', 'c'], thumbnails: ['u0', 'u1', 'u2', 'u3'], title: 'emb', show: false });
    expect(fig.kind).toBe('scatter');
    expect(fig.data.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(fig.data[1]).toMatchObject({ type: 'scatter', mode: 'markers', x: [0, 2], y: [0, 2], customdata: [0, 2], marker: { color: colorOf(1) } });
    expect(fig.data[1]!.text).toEqual(['b (#0)', 'b (#2)']);
    expect(fig.thumbnails).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(fig.layout).toMatchObject({ title: { text: 'emb' }, showlegend: true });
    expect(JSON.parse(JSON.stringify(fig))).toEqual({ kind: fig.kind, data: fig.data, layout: fig.layout, config: fig.config, thumbnails: fig.thumbnails });
    expect(fig.summary()).toBe('scatter figure "emb": 3 traces, 4 points');
  });

  it('scatter: axis titles recorded on the coordinates (project2d) unless given; point labels written for few points with text', async () => {
    const pts = setAxisTitles(Float32Array.from([0, 0, 1, 1]), ['PC 1', 'PC 2']);
    expect(axisTitlesOf(pts)).toEqual(['PC 1', 'PC 2']);
    const fig = await scatter(pts, { show: false });
    expect(fig.layout).toMatchObject({ xaxis: { title: { text: 'PC 1' } }, yaxis: { title: { text: 'PC 2' } } });
    const own = await scatter(pts, { xTitle: 'a', show: false });
    expect(own.layout).toMatchObject({ xaxis: { title: { text: 'a' } }, yaxis: { title: { text: 'PC 2' } } });
    const plain = await scatter([[0, 0], [1, 1]], { show: false });
    expect((plain.layout.xaxis as { title?: unknown }).title).toBeUndefined();
    // text on few points: written beside them (static page, PDF), not only on hover
    const named = await scatter([[0.1, 0.5], [0.4, 0.6]], { text: ['SimSiam', 'BYOL'], show: false });
    expect(named.data[0]).toMatchObject({ mode: 'markers+text', text: ['SimSiam', 'BYOL'], textposition: 'top center' });
    expect((await scatter([[0, 0]], { text: ['x'], pointLabels: false, show: false })).data[0]!.mode).toBe('markers');
    const many = Array.from({ length: MAX_POINT_LABELS + 1 }, (_, i) => [i, i]);
    expect((await scatter(many, { text: many.map(String), show: false })).data[0]!.mode).toBe('markers');
    expect((await scatter([[0, 0], [1, 1]], { show: false })).data[0]!.mode).toBe('markers'); // no text: nothing to write
  });

  it('scatter reads tensors, makes thumbnails from images, and checks lengths', async () => {
    await useBackend();
    const pts = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
    const imgs = tf.zeros([2, 3, 3, 1]);
    const fig = await scatter(pts, { thumbnails: imgs, show: false });
    expect(fig.data).toHaveLength(1);
    expect(fig.data[0]!.x).toEqual([0.1, 0.3]);
    expect(fig.thumbnails!.every((u) => u.startsWith('data:image/png;base64,'))).toBe(true);
    await expect(scatter(pts, { labels: [0], show: false })).rejects.toThrow(/scatter: argument 'labels' must be one label per point \(2\)/);
    tf.dispose([pts, imgs]);
  });

  it('lineChart: one trace per series, or raw + smoothed with smoothing; log axis', async () => {
    const fig = await lineChart([{ name: 'train', y: [4, 3, 2] }, { name: 'val', y: [5, 4, 3], x: [0, 5, 10] }], { title: 'loss', show: false });
    expect(fig.data.map((t) => [t.name, t.x])).toEqual([['train', [0, 1, 2]], ['val', [0, 5, 10]]]);
    const sm = await lineChart({ name: 'loss', y: [4, 0, 4, 0] }, { smooth: 0.5, logY: true, show: false });
    expect(sm.data).toHaveLength(2);
    expect(sm.data[1]!.y).toEqual(smoothSeries([4, 0, 4, 0], 0.5).map((v) => Number(v.toPrecision(6))));
    expect(smoothSeries([4, 0], 0.5)).toEqual([4, 2 / 1.5]);
    expect((sm.layout.yaxis as { type?: string }).type).toBe('log');
  });

  it('barChart from a record or series', async () => {
    const fig = await barChart({ SimCLR: 0.81, BYOL: 0.845 }, { yTitle: 'accuracy', show: false });
    expect(fig.data[0]).toMatchObject({ type: 'bar', x: ['SimCLR', 'BYOL'], y: [0.81, 0.845], text: ['0.81', '0.845'] });
    const grouped = await barChart([{ name: 'a', y: [1, 2] }, { name: 'b', y: [3, 4], error: [0.1, 0.2] }], { categories: ['x', 'y'], show: false });
    expect(grouped.data[1]).toMatchObject({ x: ['x', 'y'], error_y: { array: [0.1, 0.2] } });
    expect(grouped.layout.barmode).toBe('group');
  });

  it('heatmap: labels, values written in cells, row 0 on top; diverging scale symmetric about 0', async () => {
    const fig = await heatmap([[5, 1], [0, 7]], { xLabels: ['cat', 'dog'], yLabels: ['cat', 'dog'], xTitle: 'predicted', show: false });
    expect(fig.data[0]).toMatchObject({ type: 'heatmap', z: [[5, 1], [0, 7]], x: ['cat', 'dog'], text: [['5', '1'], ['0', '7']] });
    expect(fig.layout.yaxis).toMatchObject({ autorange: 'reversed' });
    const corr = await heatmap(Float32Array.from([1, -0.5, -0.5, 1]), { cols: 2, diverging: true, show: false });
    expect(corr.data[0]).toMatchObject({ zmin: -1, zmax: 1, colorscale: 'RdBu' });
    await expect(heatmap([[1, 2], [3]], { show: false })).rejects.toThrow(/rectangular/);
  });
});

describe('figure HTML and display', () => {
  it('embeds the spec safely and carries plotly.js only when asked', async () => {
    const fig = await lineChart({ name: '</script><script>alert(1)</script>', y: [1, 2] }, { show: false });
    const html = fig.html({ id: 'f1' });
    expect(html).toContain('<div id="f1"');
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('Plotly.newPlot');
    const withLib = figureHtml(fig, { includePlotly: true });
    expect(withLib.length).toBeGreaterThan(1_000_000);
    expect(withLib.match(/<\/script>/g)).toHaveLength(2);
  });

  it('in the kernel: the first figure carries plotly.js, later ones reuse it, resetPlotly injects it again', async () => {
    resetPlotly();
    kernel = fakeKernel();
    await lineChart({ name: 'a', y: [1, 2] });
    await scatter([[0, 1]]);
    expect(kernel.outputs).toHaveLength(2);
    expect(kernel.outputs[0]!['text/html']!.length).toBeGreaterThan(1_000_000);
    expect(kernel.outputs[1]!['text/html']!.length).toBeLessThan(10_000);
    expect(kernel.outputs[1]!['text/plain']).toBe('[scatter figure: 1 trace, 1 point]');
    resetPlotly();
    const fig = await heatmap([[1]], { show: false });
    await show(fig);
    expect(kernel.outputs[2]!['text/html']!.length).toBeGreaterThan(1_000_000);
  });

  it('in the kernel every figure also carries application/vnd.plotly.v1+json ({ data, layout, config }) beside its HTML', async () => {
    resetPlotly();
    kernel = fakeKernel();
    const fig = await scatter([[0, 1], [2, NaN]], { labels: [0, 1], classNames: ['a', 'b'], thumbnails: ['u0', 'u1'], title: 'emb' });
    const again = await lineChart({ name: 'a', y: new Float32Array([1, 2]) as unknown as number[] }, { title: 'typed' });
    expect(PLOTLY_MIME).toBe('application/vnd.plotly.v1+json');
    for (const [i, f] of [fig, again].entries()) {
      const bundle = kernel.outputs[i]! as unknown as Record<string, unknown>;
      expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, 'text/html', 'text/plain']);
      const mime = bundle[PLOTLY_MIME] as { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown> };
      // a JSON object (not a string), exactly what the front end receives: plain arrays, no hover thumbnails
      expect(typeof mime).toBe('object');
      expect(Object.keys(mime).sort()).toEqual(['config', 'data', 'layout']);
      expect(mime).toEqual(JSON.parse(JSON.stringify({ data: f.data, layout: f.layout, config: f.config })));
      expect(JSON.stringify(mime)).not.toContain('thumbnails');
      expect(mime.layout.title).toEqual({ text: i === 0 ? 'emb' : 'typed', x: 0.02, xanchor: 'left' });
    }
    const traces = (kernel.outputs[0]! as unknown as Record<string, { data: Array<{ y: unknown[] }> }>)[PLOTLY_MIME]!.data;
    expect(traces.flatMap((t) => t.y)).toContain(null); // NaN travels as null, as JSON has no NaN
    // the HTML still draws the figure on its own (classic Notebook, nbconvert): it holds the same spec
    expect(kernel.outputs[1]!['text/html']).toContain('Plotly.newPlot');
    expect(kernel.outputs[1]!['text/html']).toContain('"typed"');
  });

  it('outside a notebook a figure prints a one-line summary', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await barChart({ a: 1 }, { title: 't' });
    expect(log).toHaveBeenCalledWith('[bar figure "t": 1 trace, 1 point]');
  });
});

describe('figure as a cell value', () => {
  it('prints as a summary, or as nothing once drawn in the notebook (tslab prints a cell\'s last value)', async () => {
    const { inspect } = await import('node:util');
    const fig = await barChart({ a: 1 }, { show: false });
    expect(inspect(fig)).toBe('[bar figure: 1 trace, 1 point]');
    kernel = fakeKernel();
    fig.show();
    expect(inspect(fig)).toBe('');
  });
});
