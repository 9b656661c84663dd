import { describe, expect, it } from 'vitest';
import { MeasurementFormatError } from './child-record.js';
import { parseMeasurement, poolMeasurements } from './measurement.js';

/** A line as bench/pytorch_resnet.py prints it (json.dumps of its dict). */
const PYTORCH_LINE =
  '{"impl": "pytorch", "backend": "torch 1.13.0a0", "model": "ResNet-20", "n": 3, "mode": "train", "threads": 2, "threadsApplied": true, ' +
  '"batch": 128, "seconds": [0.25, 0.26, 0.24], "cpuSeconds": [0.49, 0.5, 0.48], "median": 0.25, "imagesPerSecond": 512.0, "peakRssBytes": 693764096}';

describe('parseMeasurement', () => {
  it('reads the JSON object on the last non-empty line, ignoring what a library printed before it', () => {
    const m = parseMeasurement(`UserWarning: something about the CPU\n${PYTORCH_LINE}\n\n`, 'pytorch_resnet.py');
    expect(m).toMatchObject({
      impl: 'pytorch',
      model: 'ResNet-20',
      n: 3,
      mode: 'train',
      threads: 2,
      batch: 128,
      imagesPerSecond: 512,
    });
    expect(m.seconds).toEqual([0.25, 0.26, 0.24]);
  });

  it('names the program and the problem when the output is empty or not JSON', () => {
    expect(() => parseMeasurement('\n', 'prog')).toThrow(/^prog: printed nothing on stdout$/);
    expect(() => parseMeasurement('Traceback (most recent call last)', 'prog')).toThrow(MeasurementFormatError);
    expect(() => parseMeasurement('Traceback (most recent call last)', 'prog')).toThrow(
      /prog: last line of stdout is not JSON/,
    );
  });

  it('names a missing or wrong field and what it should be', () => {
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(PYTORCH_LINE), ...patch });
    expect(() => parseMeasurement(bad({ impl: 'tf' }), 'prog')).toThrow(
      /field 'impl' must be 'funt', 'native', 'pytorch' or 'onnxruntime', got "tf"/,
    );
    expect(() => parseMeasurement(bad({ mode: 'eval' }), 'prog')).toThrow(/field 'mode' must be 'train' or 'infer'/);
    expect(() => parseMeasurement(bad({ median: 0 }), 'prog')).toThrow(
      /field 'median' must be a positive number, got 0/,
    );
    expect(() => parseMeasurement(bad({ peakRssBytes: undefined }), 'prog')).toThrow(
      /field 'peakRssBytes' must be a positive number, got nothing/,
    );
    expect(() => parseMeasurement(bad({ seconds: [] }), 'prog')).toThrow(/field 'seconds' must be a non-empty list/);
    expect(() => parseMeasurement(bad({ cpuSeconds: [0.5] }), 'prog')).toThrow(
      /field 'cpuSeconds' must be a list of 3 non-negative numbers/,
    );
    expect(() => parseMeasurement(bad({ threadsApplied: 1 }), 'prog')).toThrow(
      /field 'threadsApplied' must be true or false/,
    );
    expect(() => parseMeasurement('[1, 2]', 'prog')).toThrow(/expected a JSON object/);
    expect(() => parseMeasurement(bad({ kernels: 12 }), 'prog')).toThrow(
      /field 'kernels' must be a string when present/,
    );
    expect(parseMeasurement(bad({ kernels: 'a9993e364706' }), 'prog').kernels).toBe('a9993e364706');
  });
});

describe('poolMeasurements', () => {
  const round = (seconds: number[], peak: number) => ({
    ...parseMeasurement(PYTORCH_LINE, 'p'),
    seconds,
    cpuSeconds: seconds.map((x) => 2 * x),
    peakRssBytes: peak,
  });

  it('pools the steps of every round: their median, the images/s it gives, and the highest peak', () => {
    const m = poolMeasurements([round([0.25, 0.3, 0.26], 100), round([0.5, 0.24, 0.27], 300)]);
    expect(m.seconds).toEqual([0.25, 0.3, 0.26, 0.5, 0.24, 0.27]);
    expect(m.cpuSeconds).toHaveLength(6);
    expect(m.median).toBeCloseTo(0.265, 12);
    expect(m.imagesPerSecond).toBeCloseTo(128 / 0.265, 9);
    expect(m.peakRssBytes).toBe(300);
  });

  it('refuses rounds of different configurations, and names every build measured', () => {
    expect(() => poolMeasurements([])).toThrow(/no measurements/);
    expect(() => poolMeasurements([round([0.2], 1), { ...round([0.2], 1), threads: 1 }])).toThrow(
      /threads differs between rounds/,
    );
    const a = { ...round([0.2], 1), kernels: 'abc' };
    expect(poolMeasurements([a, a]).kernels).toBe('abc');
    expect(poolMeasurements([a, { ...a, kernels: 'def' }, a]).kernels).toBe('abc+def');
  });
});
