import type { Activity } from '../module/activity.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

const passThrough: MemoryUse = { ...cachedOutputAndGradient, output: 'input', gradInput: 'gradOutput' };

/** Passes its input through (Torch's `nn.Identity`): output IS the input, gradInput IS gradOutput. */
export class Identity extends Module {
  static readonly typeName: string = 'Identity';
  override updateOutput(input: Activity): Activity {
    return input;
  }

  override updateGradInput(_input: Activity, gradOutput: Activity): Activity {
    return gradOutput;
  }

  override memoryUse(): MemoryUse {
    return passThrough;
  }
}
