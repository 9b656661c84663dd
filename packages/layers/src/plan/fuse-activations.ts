import { Threshold } from '../activations/threshold.js';
import { CAddTable } from '../containers/cadd-table.js';
import { Sequential } from '../containers/sequential.js';
import { BatchNormalization } from '../dense/batch-normalization.js';
import type { Module } from '../module/module.js';
import { ReluFusion } from './relu-fusion.js';

/**
 * Fuses every ReLU (a Threshold at 0 with value 0, in place or not) that directly follows a
 * BatchNormalization / SpatialBatchNormalization or a CAddTable inside a Sequential of the
 * tree: the producer then applies the ReLU in its own kernels (batch norm + ReLU forward and
 * backward in one pass each, add + ReLU), and the ReLU module passes data and gradient
 * through (see relu-fusion.ts). Returns the number of pairs fused (already fused ones are
 * left as they are).
 *
 * Nothing else changes: the module tree, parameter and buffer names (stateDict, saved models,
 * ONNX export, interop mappings), printing and `summary`, and every output, gradInput and
 * parameter gradient of the model, bit for bit. Only intermediate tensors differ: the
 * producer's `output` is rectified, and a fused ReLU's `gradInput` is not masked yet.
 *
 * "Directly follows" means the next child of the same Sequential; a ReLU that follows a nested
 * container ending in a batch norm is not fused. Call `unfuseActivations` before editing the
 * model (insert, remove); a fused producer whose ReLU moved refuses to run.
 */
export function fuseActivations(model: Module): number {
  let fused = 0;
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof Sequential)) continue;
    const kids = m.children();
    for (let i = 0; i + 1 < kids.length; i++) {
      const producer = kids[i];
      const relu = kids[i + 1];
      if (!isPlainRelu(relu) || relu.reluFusion !== null) continue;
      if (!(producer instanceof BatchNormalization || producer instanceof CAddTable) || producer.reluFusion !== null)
        continue;
      ReluFusion.link(producer, relu);
      fused++;
    }
  }
  // Kept outputs and memory plans were made for the unfused pairs.
  if (fused > 0) model.clearState();
  return fused;
}

/**
 * Undoes fuseActivations for every pair with a member in the tree (so also a producer whose
 * ReLU was removed from it); returns the number of pairs unfused.
 */
export function unfuseActivations(model: Module): number {
  const links = new Set<ReluFusion>();
  for (const [, m] of model.namedModules()) {
    if ((m instanceof Threshold || m instanceof BatchNormalization || m instanceof CAddTable) && m.reluFusion !== null)
      links.add(m.reluFusion);
  }
  for (const link of links) link.unlink();
  if (links.size > 0) model.clearState();
  return links.size;
}

/** Threshold(0, 0): exactly max(0, x) with relu(NaN) = 0, the function the fused kernels compute. */
function isPlainRelu(m: Module): m is Threshold {
  return m instanceof Threshold && m.threshold === 0 && m.value === 0;
}
