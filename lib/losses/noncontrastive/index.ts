/** Non-contrastive losses (deck 003): BYOL, SimSiam, Barlow Twins, VICReg, DINO; MAE's masked reconstruction; SwAV's swapped prediction; the contrastive/non-contrastive duality. */
export * from './byol.js';
export * from './negative-cosine.js';
export * from './barlow-twins.js';
export * from './vicreg.js';
export * from './dino.js';
export * from './masked-mse.js';
export * from './duality.js';
export * from './swav.js';
export * from './joint-embedding.js';
