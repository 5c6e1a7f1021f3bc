export * from './encoders.js';
export * from './heads.js';
export * from './ema.js';
export * from './info.js';
export { convBlock, denseBlock, type Activation } from './layers.js';
export * from './siamese.js';
export * from './vit.js';
