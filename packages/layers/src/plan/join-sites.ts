import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Sequential } from '../containers/sequential.js';
import type { Module } from '../module/module.js';

/** A residual join of a tree: `Sequential(…, branches, add, …)`, the ConcatTable of two branches then the CAddTable. */
export interface JoinSite {
  branches: ConcatTable;
  add: CAddTable;
}

/**
 * Every residual join of the tree (residual-join.ts): a ConcatTable of two branches directly
 * followed, in the same Sequential, by a CAddTable. `foldBatchNorms` and `fuseResidualJoins`
 * keep those whose body ends as they need.
 */
export function joinSites(model: Module): JoinSite[] {
  const sites: JoinSite[] = [];
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof Sequential)) continue;
    const kids = m.children();
    for (let i = 0; i + 1 < kids.length; i++) {
      const branches = kids[i];
      const add = kids[i + 1];
      if (branches instanceof ConcatTable && add instanceof CAddTable && branches.length === 2)
        sites.push({ branches, add });
    }
  }
  return sites;
}

/** The last child of a branch that is a Sequential, or null. */
export function lastOfBody(branch: Module): Module | null {
  return branch instanceof Sequential ? (branch.children().at(-1) ?? null) : null;
}
