import type { Activity } from '../module/activity.js';
import { Module } from '../module/module.js';

/** Passes its input through (Torch's `nn.Identity`): output IS the input, gradInput IS gradOutput. */
export class Identity extends Module {
  override updateOutput(input: Activity): Activity {
    return input;
  }

  override updateGradInput(_input: Activity, gradOutput: Activity): Activity {
    return gradOutput;
  }

  override outputAliasesInput(): boolean {
    return true;
  }

  override gradInputAliasesGradOutput(): boolean {
    return true;
  }
}
