/** Metric-learning losses (deck 000 "Loss functions for metric learning", deck 003, deck 004), one file per loss. */
export type { Labels } from './common.js';
export { pairLoss, batchPairLoss, type PairLossOptions } from './pair.js';
export { onTriplets, onPairs, pairsFromTriplets, type Pairs } from './from-indices.js';
export { tripletLoss, tripletLossFromIndices, type TripletLossOptions, type Triplets } from './triplet.js';
export { mineTriplets, countTripletKinds, tripletKind, TRIPLET_STRATEGIES, type TripletKind, type TripletStrategy, type MineOptions } from './mining.js';
export { onlineTripletLoss, type OnlineTripletOptions, type OnlineTripletStrategy } from './online-triplet.js';
export { softMarginTripletLoss, type SoftTripletOptions } from './soft-triplet.js';
export { centerLoss, updateCenters, makeCenters, type CenterLossOptions } from './center.js';
export { marginSoftmaxLoss, type Margin, type MarginSoftmaxOptions } from './angular.js';
export { cosFaceLoss } from './cosface.js';
export { arcFaceLoss, arcFaceTarget } from './arcface.js';
export { subCenterArcFaceLoss, subCenterCosines, type SubCenterArcFaceOptions } from './subcenter-arcface.js';
export { adaptiveMargins, adaCosScale, type AdaptiveMarginOptions } from './adaptive-margin.js';
export { nPairLoss } from './n-pair.js';
export { mineLoss } from './mine.js';
export { liftedStructuredLoss, type LiftedStructuredOptions } from './lifted-structured.js';
export {
  generalizedContrastiveLoss, contrastiveInstance, pairedDistances, labelledDistances, CONTRASTIVE_INSTANCES,
  type ContrastiveDistances, type PhiPsi, type ContrastiveInstanceName, type ContrastiveInstanceOptions,
} from './generalized.js';
export { softmaxLoss } from './softmax.js';
export { supConLoss, supConMaskedLoss, type SupConOptions } from './supcon.js';
export { minedMasks, batchMasks, onMined, type PairMasks, type MaskedLoss } from './masks.js';
export {
  metricLossSpec, metricLossFunction, resolveLossOptions, isMetricLossSpec, METRIC_HEAD_KINDS,
  type MetricLossSpec, type MetricLossSpecOptions, type MetricHeadKind, type SpecLossFunction,
} from './spec.js';
export {
  metricLosses, METRIC_LOSSES, METRIC_LOSS_SPECS, FLAT_METRIC_LOSS_OPTIONS,
  type MetricBatch, type MetricLoss, type MetricLossName, type MetricLossOptions, type MetricLossOptionsOf,
} from './registry.js';
