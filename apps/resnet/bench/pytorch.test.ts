import { describe, expect, it } from 'vitest';
import type { StepConfig } from './config.js';
import { PYTHON, runPytorch, runPytorchScaling, torchStatus } from './pytorch.js';

const TINY: StepConfig = { n: 1, mode: 'train', threads: 1, batch: 2, warmup: 0, steps: 2 };
const torch = torchStatus();

describe('the PyTorch wrapper', () => {
  it('says why torch is unavailable when the interpreter cannot be run', () => {
    const s = torchStatus('/nonexistent/python3');
    expect(s.available).toBe(false);
    if (!s.available) expect(s.reason).toMatch(/\/nonexistent\/python3 could not be run/);
  });

  it('names the command when the script fails', () => {
    if (!torch.available) {
      console.log(`skipped the failing-script check: ${torch.reason}`);
      return;
    }
    expect(() => runPytorch(TINY, PYTHON, '/nonexistent/pytorch_resnet.py')).toThrow(
      /\/usr\/bin\/python3 .*--mode train.* exited with code 2/,
    );
  });

  it('runs bench/pytorch_resnet.py and parses its measurement (ResNet-8, batch 2, train and infer)', () => {
    if (!torch.available) {
      console.log(`skipped running pytorch_resnet.py: ${torch.reason}`);
      return;
    }
    for (const mode of ['train', 'infer'] as const) {
      const m = runPytorch({ ...TINY, mode });
      expect(m).toMatchObject({
        impl: 'pytorch',
        backend: `torch ${torch.version}`,
        model: 'ResNet-8',
        n: 1,
        mode,
        threads: 1,
        threadsApplied: true,
        batch: 2,
      });
      expect(m.seconds).toHaveLength(2);
      expect(m.imagesPerSecond).toBeCloseTo(2 / m.median, 6);
      // torch alone needs well over 50 MiB resident.
      expect(m.peakRssBytes).toBeGreaterThan(50 * 1024 * 1024);
    }
  });

  it('measures the paired speed-up with --paired (ResNet-8, batch 2, 2 rounds)', () => {
    if (!torch.available) {
      console.log(`skipped running pytorch_resnet.py --paired: ${torch.reason}`);
      return;
    }
    const s = runPytorchScaling([
      '--n',
      '1',
      '--mode',
      'train',
      '--threads',
      '2',
      '--batch',
      '2',
      '--rounds',
      '2',
      '--steps',
      '3',
    ]);
    expect(s).toMatchObject({
      impl: 'pytorch',
      model: 'ResNet-8',
      n: 1,
      mode: 'train',
      threads: 2,
      batch: 2,
      rounds: 2,
    });
    expect(s.secondsOne).toHaveLength(6);
    expect(s.secondsMany).toHaveLength(6);
    expect(s.speedUp).toBeGreaterThan(0);
  });
});
