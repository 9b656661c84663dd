import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { BatchNormalization } from '../dense/batch-normalization.js';
import type { Module } from '../module/module.js';
import { joinSites, lastOfBody } from './join-sites.js';
import { ResidualFusion } from './residual-fusion.js';

/**
 * Fuses, for training, every residual join `Sequential(…, ConcatTable(body, shortcut),
 * CAddTable, …)` (two branches, the CAddTable the next child of the same Sequential) whose body
 * is a Sequential ending in a BatchNormalization / SpatialBatchNormalization: in a training
 * forward that batch norm adds the shortcut's output, and the join's ReLU when the CAddTable
 * has one (`fuseActivations`), in its own kernel, and the CAddTable passes its output through
 * (plan/residual-fusion.ts). Returns the number of joins fused (already fused ones are left as
 * they are).
 *
 * Nothing else changes: the module tree, names, saved models, printing and `summary`, every
 * output, gradInput and parameter gradient of the model, bit for bit, and evaluation (where
 * `foldBatchNorms` does the same in the convolution's epilogue). Only intermediate tensors
 * differ: the body's batch norm's `output` holds the block's output. Call
 * `unfuseResidualJoins` before editing the model; a fused join whose shape changed refuses to
 * run.
 */
export function fuseResidualJoins(model: Module): number {
  let fused = 0;
  for (const { branches, add } of joinSites(model)) {
    if (branches.residualFusion !== null || add.residualFusion !== null) continue;
    const bodyIndex = [0, 1].find((b) => endingNorm(branches.get(b)) !== null);
    if (bodyIndex === undefined) continue;
    const norm = endingNorm(branches.get(bodyIndex))!;
    if (norm.residualFusion !== null) continue;
    ResidualFusion.link(branches, bodyIndex, add, norm);
    fused++;
  }
  // Kept outputs and memory plans were made for the unfused joins.
  if (fused > 0) model.clearState();
  return fused;
}

/** The batch norm a branch ends with (a Sequential whose last child is one), or null. */
function endingNorm(branch: Module): BatchNormalization | null {
  const last = lastOfBody(branch);
  return last instanceof BatchNormalization ? last : null;
}

/** Undoes fuseResidualJoins for every join with a member in the tree; returns the number of joins unfused. */
export function unfuseResidualJoins(model: Module): number {
  const joins = new Set<ResidualFusion>();
  for (const [, m] of model.namedModules()) {
    if ((m instanceof ConcatTable || m instanceof CAddTable || m instanceof BatchNormalization) && m.residualFusion)
      joins.add(m.residualFusion);
  }
  for (const join of joins) join.unlink();
  if (joins.size > 0) model.clearState();
  return joins.size;
}
