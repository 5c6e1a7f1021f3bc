/**
 * lib/classical: the classical unsupervised representations of deck 002 — k-means, PCA, autoencoders (plain,
 * denoising, sparse, linear, VAE) — plus hand-made colour representations (deck 000) and subspace comparison.
 */
export * from './kmeans-init.js';
export * from './kmeans.js';
export * from './pca.js';
export * from './subspace.js';
export * from './autoencoder-models.js';
export * from './autoencoder.js';
export * from './vae.js';
export * from './color.js';
