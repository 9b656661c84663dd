import { getBackend, withBackend } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { parameter, setData } from '../testing/problems.js';
import { createUpdateRule, updateRuleNames } from './registry.js';
import type { UpdateRule } from './update-rule.js';

const configs: Record<string, object> = {
  sgd: { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  sgdMomentum: { learningRate: 0.1 },
  nesterov: { learningRate: 0.1 },
  rmsprop: { learningRate: 0.01 },
  adam: { learningRate: 0.01 },
  adamw: { learningRate: 0.01 },
};

/** Deterministic pseudo-gradients for step s of parameter k. */
function gradient(s: number, k: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1 + s * 0.7 + k * 1.3 + i * 0.41));
}

function model() {
  return [parameter([1, 2, 3, 4, 5, 6], 'a.weight'), parameter([-1, 0.5], 'a.bias')];
}

function steps(rule: UpdateRule, params: ReturnType<typeof model>, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    params.forEach((p, k) => setData(p.grad, gradient(s, k, p.value.size)));
    rule.step(params);
  }
}

describe('UpdateRule state', () => {
  for (const name of updateRuleNames) {
    it(`${name}: a rule restored from saved state continues exactly like the original`, () => {
      withBackend(
        'reference',
        () => {
          const a = createUpdateRule(name, configs[name]);
          const pa = model();
          steps(a, pa, 0, 3);
          const saved = a.state();
          expect(saved.rule).toBe(name);
          // Restore into a fresh rule and fresh copies of the parameters.
          const b = createUpdateRule(name, configs[name]);
          b.loadState(saved);
          const pb = model();
          pb.forEach((p, k) => p.value.data.set(pa[k].value.data));
          steps(a, pa, 3, 6);
          steps(b, pb, 3, 6);
          pb.forEach((p, k) => expect(Array.from(p.value.data)).toEqual(Array.from(pa[k].value.data)));
        },
        'float64',
      );
    });
  }

  it('allocates nothing after the first step', () => {
    for (const name of updateRuleNames) {
      const rule = createUpdateRule(name, configs[name]);
      const params = model();
      steps(rule, params, 0, 1);
      const spy = vi.spyOn(getBackend().allocator, 'allocate');
      steps(rule, params, 1, 4);
      expect(spy, name).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('saves per-parameter tensors under <index>/<slot> and counters as scalars', () => {
    const rule = createUpdateRule('adam');
    steps(rule, model(), 0, 2);
    const s = rule.state();
    expect(Object.keys(s.tensors).sort()).toEqual(['0/m', '0/v', '1/m', '1/v']);
    expect(s.scalars).toEqual({ t: 2 });
    expect(s.config.learningRate).toBe(1e-3);
  });

  it('refuses state of another rule, of other shapes, or a changed parameter list', () => {
    const adam = createUpdateRule('adam');
    steps(adam, model(), 0, 1);
    expect(() => createUpdateRule('rmsprop').loadState(adam.state())).toThrow(
      /update rule 'rmsprop': cannot load state saved by update rule 'adam'/,
    );

    const other = createUpdateRule('adam');
    const small = [parameter([1, 2], 'x')];
    steps(other, small, 0, 1);
    expect(() => other.loadState(adam.state())).toThrow(
      /state '[mv]' of parameter #0 \(x\) has shape \[6\], the parameter has \[2\]/,
    );

    const late = createUpdateRule('adam');
    late.loadState(adam.state());
    expect(() => late.step(small)).toThrow(/parameter #0 \(x\) has shape \[6\]/);

    expect(() => adam.step(model().slice(0, 1))).toThrow(/step got 1 parameters but earlier steps had 2/);
    const noCounter = { ...adam.state(), scalars: {} };
    expect(() => createUpdateRule('adam').loadState(noCounter)).toThrow(/lacks the counter 't'/);
  });
});

describe('createUpdateRule', () => {
  it('creates every rule by name', () => {
    for (const name of updateRuleNames) expect(createUpdateRule(name).name).toBe(name);
  });

  it('names an unknown rule and lists the known ones', () => {
    expect(() => createUpdateRule('sgd_th')).toThrow(
      /unknown update rule "sgd_th" \(known: sgd, sgdMomentum, nesterov, rmsprop, adam, adamw\)/,
    );
  });
});
