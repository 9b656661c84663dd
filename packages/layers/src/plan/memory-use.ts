/**
 * Writing a module: what it may declare to the memory plan
 * --------------------------------------------------------
 * A model (a container called as the root of its tree) lets the intermediate outputs and
 * gradients of its modules share memory when they are never needed at the same time
 * (memory-plan.ts). It can do that only for modules that say how they use memory, which a
 * module does by overriding `memoryUse()`:
 *
 *   override memoryUse(): MemoryUse {
 *     return cachedOutputAndGradient; // or { ...cachedOutputAndGradient, output: 'input' }, ...
 *   }
 *
 * Declaring nothing is always correct. `memoryUse()` returns null by default, and the plan then
 * lends the module nothing (its tensors stay its own) and assumes the worst: that its output may
 * be its input, its gradInput may be its gradOutput, its backward reads its input and output, and
 * it may write into its gradOutput. That costs memory, never correctness.
 *
 * A declaration must hold for every call (declare only what is always true):
 * - `output: 'cache'`: forward returns the tensor it gets from `this.cache` under the key
 *   'output' and writes all of it; it never reads what a previous call left there (during a
 *   planned pass that memory serves other modules between calls). `'input'`: forward returns
 *   its input or a view of it (Identity, View, in-place ReLU).
 * - `gradInput: 'cache'`: the same for the key 'gradInput'. `'gradOutput'`: backward returns
 *   gradOutput or a view of it (once per entry when the input is a table).
 * - `backwardReads`: whether backward reads the values of the last forward's input and output
 *   (false lets the plan give that memory away once forward is done with it).
 * - `writesGradOutput`: whether backward writes into the gradOutput it is given (in-place ReLU);
 *   ConcatTable then hands such a branch a private copy of a gradient it shares.
 *
 * Only the keys 'output' and 'gradInput' are ever lent: keep intermediates under other keys.
 * A module that returns the memory it was given while declaring 'cache' is caught after the call,
 * before anything is overwritten; the plan stops lending for that pass and is made again
 * treating the module as 'input' / 'gradOutput'.
 *
 * Containers do not declare: they replay their passes for the plan in `planForward` /
 * `planBackward` (plan-builder.ts). A container that does not is planned as one module that
 * declares nothing, and its children keep their own tensors.
 */
export interface MemoryUse {
  output: 'cache' | 'input';
  gradInput: 'cache' | 'gradOutput';
  backwardReads: { readonly input: boolean; readonly output: boolean };
  writesGradOutput: boolean;
}

/** The common declaration: output and gradInput in the cache, backward reads input and output and leaves gradOutput alone. */
export const cachedOutputAndGradient: MemoryUse = Object.freeze({
  output: 'cache',
  gradInput: 'cache',
  backwardReads: Object.freeze({ input: true, output: true }),
  writesGradOutput: false,
});
