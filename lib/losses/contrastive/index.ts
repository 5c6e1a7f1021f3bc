/** Contrastive losses: InfoNCE (anchor, positive, negatives) and SimCLR's NT-Xent (2N views, 2N − 2 negatives). */
export * from './infonce.js';
export * from './ntxent.js';
