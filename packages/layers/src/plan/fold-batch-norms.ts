import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Sequential } from '../containers/sequential.js';
import type { Module } from '../module/module.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { BatchNormFold, ResidualFold } from './batch-norm-fold.js';
import { joinSites, lastOfBody } from './join-sites.js';

/**
 * Folds, for inference, every SpatialBatchNormalization that directly follows a
 * SpatialConvolution (the next child of the same Sequential, with as many channels) into that
 * convolution, and every residual join `Sequential(…, ConcatTable(body, shortcut), CAddTable, …)`
 * whose body ends in such a folded batch norm (without a ReLU of its own) into the body's last
 * convolution. Returns the number of batch norms folded (joins are not counted; already folded
 * pairs are left as they are).
 *
 * What changes is a model's planned evaluation pass (its memory plan's 'eval' policy, the
 * default for `model.evaluate(); model.forward(x)`): each folded convolution computes its batch
 * norm with folded weights and bias (recomputed at every pass from the parameters and running
 * statistics), the ReLU fused into that batch norm or into the join (`fuseActivations`) and the
 * shortcut's output in its epilogue, and the batch norm and the join pass that result through:
 * two or three passes over each activation fewer. The outputs agree with the unfolded model to
 * float32 round-off.
 *
 * Nothing else changes: training, evaluation outside a planned pass (a module called on its
 * own, `planMemory(false)`) and the evaluation pass a backward follows (saliency maps, gradient
 * checks: the memory plan reruns it unfolded, since backward reads the intermediates) compute
 * as written; the module tree, names, `stateDict`, saved models and printing are the same.
 * Call `unfoldBatchNorms` before editing the model; a folded module whose partner moved refuses
 * to run.
 */
export function foldBatchNorms(model: Module): number {
  let folded = 0;
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof Sequential)) continue;
    const kids = m.children();
    for (let i = 0; i + 1 < kids.length; i++) {
      const conv = kids[i];
      const norm = kids[i + 1];
      if (!(conv instanceof SpatialConvolution && norm instanceof SpatialBatchNormalization)) continue;
      if (conv.batchNormFold !== null || norm.batchNormFold !== null || conv.nOutputPlane !== norm.nOutput) continue;
      BatchNormFold.link(conv, norm);
      folded++;
    }
  }
  for (const { branches, add } of joinSites(model)) {
    if (branches.residualFold !== null || add.residualFold !== null) continue;
    const bodyIndex = [0, 1].find((b) => endsInFold(branches.get(b)) !== null);
    if (bodyIndex === undefined) continue;
    const fold = endsInFold(branches.get(bodyIndex))!;
    if (fold.join === null) ResidualFold.link(branches, bodyIndex, add, fold);
  }
  // Kept outputs and memory plans were made for the unfolded modules.
  if (folded > 0) model.clearState();
  return folded;
}

/** The fold of the batch norm a branch ends with (a Sequential whose last child is folded), or null. */
function endsInFold(branch: Module): BatchNormFold | null {
  const last = lastOfBody(branch);
  return last instanceof SpatialBatchNormalization ? last.batchNormFold : null;
}

/** Undoes foldBatchNorms for every pair with a member in the tree; returns the number of batch norms unfolded. */
export function unfoldBatchNorms(model: Module): number {
  const folds = new Set<BatchNormFold>();
  for (const [, m] of model.namedModules()) {
    if ((m instanceof SpatialConvolution || m instanceof SpatialBatchNormalization) && m.batchNormFold !== null)
      folds.add(m.batchNormFold);
    if ((m instanceof ConcatTable || m instanceof CAddTable) && m.residualFold !== null) m.residualFold.unlink();
  }
  for (const fold of folds) fold.unlink();
  if (folds.size > 0) model.clearState();
  return folds.size;
}
