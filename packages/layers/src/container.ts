import type { Activity } from './activity.js';
import { LayerError } from './errors.js';
import { Module } from './module.js';

/**
 * A module made of modules (Torch's `nn.Container`). It owns the list of children, gives each
 * its path in the tree (`'4.0.2'`), and turns any error a child raises into a `LayerError`
 * naming that child, so a failure deep in a network says where it happened.
 */
export abstract class Container extends Module {
  protected readonly modules: Module[] = [];

  /** Appends a child; returns this for chaining (`new Sequential().add(a).add(b)`). */
  add(module: Module): this {
    if (!(module instanceof Module)) throw new LayerError(this, `add: expected a Module, got ${String(module)}`);
    this.modules.push(module);
    this.path = this.path; // gives the new child its path
    return this;
  }

  /** The child at `index` (0-based). */
  get(index: number): Module {
    const m = this.modules[index];
    if (m === undefined) throw new LayerError(this, `get: no child ${index} (it has ${this.modules.length})`);
    return m;
  }

  /** Number of children (Torch's `size()`). */
  get length(): number {
    return this.modules.length;
  }

  override children(): Module[] {
    return this.modules.slice();
  }

  /** Runs `fn` on behalf of `child`, naming the child in any error that is not already a LayerError. */
  protected run<T>(child: Module, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof LayerError) throw e;
      throw new LayerError(child, e instanceof Error ? e.message : String(e), undefined, undefined, { cause: e });
    }
  }

  protected forwardChild(child: Module, input: Activity): Activity {
    return this.run(child, () => child.forward(input));
  }

  protected backwardChild(child: Module, input: Activity, gradOutput: Activity): Activity {
    return this.run(child, () => child.backward(input, gradOutput));
  }

  /** An optional line under the header showing how data flows (Sequential's `input -> (0) -> ... -> output`). */
  protected flow(): string | null {
    return null;
  }

  override toString(): string {
    const lines = [`${this.toStringShort()} {`];
    const flow = this.flow();
    if (flow) lines.push(`  ${flow}`);
    this.modules.forEach((m, i) => {
      const text = m.toString().split('\n');
      lines.push(`  (${i}): ${text[0]}`, ...text.slice(1).map((l) => `  ${l}`));
    });
    lines.push('}');
    return lines.join('\n');
  }
}
