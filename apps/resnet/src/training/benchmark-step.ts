import { ClassNLLCriterion, type Module } from '@funt/layers';
import { Sgd } from '@funt/solver';
import type { Tensor } from '@funt/tensor';

/** What a benchmark step times: a training iteration, or a forward pass in evaluation mode. */
export type BenchmarkPass = 'training' | 'inference';

/**
 * The step every funt benchmark times (apps/resnet's against PyTorch and onnxruntime, the
 * playground's in Chromium and Node), in one place so that their figures measure the same work:
 * a training iteration as the Solver runs it (forward, NLL loss, zeroed gradients, backward, SGD
 * with Nesterov momentum 0.9 and weight decay 1e-4), or a forward pass in evaluation mode.
 * Puts `model` in the pass's mode; each call of the returned function is one step on (x, y).
 */
export function benchmarkStep(model: Module, x: Tensor, y: Int32Array, pass: BenchmarkPass): () => void {
  if (pass === 'inference') {
    model.evaluate();
    return () => void model.forward(x);
  }
  model.training();
  const criterion = new ClassNLLCriterion();
  const rule = new Sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const params = model.parameters();
  return () => {
    const scores = model.forward(x) as Tensor;
    criterion.forward(scores, y);
    model.zeroGradParameters();
    model.backward(x, criterion.backward(scores, y));
    rule.step(params);
  };
}
