/** lib/transfer: frozen weights, network surgery, partial transfer, fine-tuning at label fractions (deck 002). */
export * from './layers.js';
export * from './surgery.js';
export * from './finetune.js';
