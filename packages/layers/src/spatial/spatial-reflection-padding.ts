import type { PadMode } from '@funt/tensor';
import { SpatialPadding } from './spatial-padding.js';

/** Pads H and W by mirroring the border without repeating it (Torch's `nn.SpatialReflectionPadding(l, r, t, b)`). */
export class SpatialReflectionPadding extends SpatialPadding {
  static readonly typeName: string = 'SpatialReflectionPadding';
  protected override readonly mode: PadMode = 'reflect';
}
