import type { PadMode } from '@funt/tensor';
import { SpatialPadding } from './spatial-padding.js';

/** Pads H and W by repeating the border pixels (Torch's `nn.SpatialReplicationPadding(l, r, t, b)`). */
export class SpatialReplicationPadding extends SpatialPadding {
  static readonly typeName: string = 'SpatialReplicationPadding';
  protected override readonly mode: PadMode = 'replicate';
}
