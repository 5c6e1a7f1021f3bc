/**
 * lib/eval: measuring representations on frozen features (deck 000 "Linear probing", deck 001 "Linear Probing /
 * KNN evaluation"): the Features type, embedding an image set, linear probe, kNN, classification and clustering
 * metrics, the five properties of a good representation, and 2-D maps for plots.
 */
export * from './features.js';
export * from './embed.js';
export * from './metrics.js';
export * from './cluster-metrics.js';
export * from './silhouette.js';
export * from './probe.js';
export * from './lbfgs.js';
export * from './knn.js';
export * from './properties.js';
export * from './tsne.js';
export * from './embed2d.js';
export * from './spectrum.js';
export * from './rankme.js';
export * from './rank-correlation.js';
export * from './alignment-uniformity.js';
export * from './collapse.js';
export * from './distribution-collapse.js';
export * from './knn-monitor.js';
export * from './retrieval.js';
export * from './verification.js';
export * from './segmentation-iou.js';
