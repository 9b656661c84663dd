/**
 * Which converter handles which module class. Lookup is by exact class: a subclass may change
 * what forward computes, so it gets no mapping until one is registered for it.
 */
import {
  BatchNormalization,
  CAddTable,
  ConcatTable,
  Dropout,
  Identity,
  Linear,
  LogSoftMax,
  type Module,
  MulConstant,
  Padding,
  Parallel,
  ReLU,
  Reshape,
  Sequential,
  Sigmoid,
  SoftMax,
  SpatialAveragePooling,
  SpatialBatchNormalization,
  SpatialConvolution,
  SpatialFullConvolution,
  SpatialMaxPooling,
  SpatialReflectionPadding,
  SpatialReplicationPadding,
  SpatialUpSamplingNearest,
  Tanh,
  Threshold,
  View,
} from '@funt/layers';
import type { Converter } from './context.js';
import { elementwise, softmax, threshold } from './converters/activations.js';
import { caddTable, concatTable, parallel, passThrough, sequential } from './converters/containers.js';
import { linear, mulConstant, reshape } from './converters/dense.js';
import {
  batchNormalization,
  padding,
  spatialAveragePooling,
  spatialConvolution,
  spatialFullConvolution,
  spatialMaxPooling,
  spatialPadding,
  spatialUpSamplingNearest,
} from './converters/spatial.js';

/** A module class, whatever its constructor's arguments (every layer takes different ones). */
export type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

const converters = new Map<ModuleClass<Module>, Converter<never>>();

/** Adds (or replaces) the converter for exactly `moduleClass`, e.g. for a custom layer. */
export function registerConverter<M extends Module>(moduleClass: ModuleClass<M>, converter: Converter<M>): void {
  converters.set(moduleClass, converter as Converter<never>);
}

/** The converter for this module's exact class, if any. */
export function converterFor(module: Module): Converter | undefined {
  return converters.get(module.constructor as ModuleClass<Module>) as Converter | undefined;
}

registerConverter(Sequential, sequential);
registerConverter(ConcatTable, concatTable);
registerConverter(CAddTable, caddTable);
registerConverter(Parallel, parallel);
registerConverter(Identity, passThrough);
registerConverter(Dropout, passThrough);

registerConverter(SpatialConvolution, spatialConvolution);
registerConverter(SpatialFullConvolution, spatialFullConvolution);
registerConverter(SpatialBatchNormalization, batchNormalization);
registerConverter(BatchNormalization, batchNormalization);
registerConverter(SpatialAveragePooling, spatialAveragePooling);
registerConverter(SpatialMaxPooling, spatialMaxPooling);
registerConverter(Padding, padding);
registerConverter(SpatialReflectionPadding, spatialPadding);
registerConverter(SpatialReplicationPadding, spatialPadding);
registerConverter(SpatialUpSamplingNearest, spatialUpSamplingNearest);

registerConverter(Linear, linear);
registerConverter(View, reshape);
registerConverter(Reshape, reshape);
registerConverter(MulConstant, mulConstant);

registerConverter(ReLU, elementwise('Relu'));
registerConverter(Tanh, elementwise('Tanh'));
registerConverter(Sigmoid, elementwise('Sigmoid'));
registerConverter(Threshold, threshold);
registerConverter(SoftMax, softmax('Softmax'));
registerConverter(LogSoftMax, softmax('LogSoftmax'));
