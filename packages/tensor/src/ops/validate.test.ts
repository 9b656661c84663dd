import { beforeAll, describe, expect, test } from 'vitest';
import { zeros } from '../creation.js';
import { DisposedError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { useReference } from '../testing/reference.js';
import * as ops from './index.js';

beforeAll(() => useReference('float32'));

const t = (...shape: number[]): Tensor => zeros(shape);

/**
 * Every op's shape errors: [what, call, op named in the message, shapes the message must name].
 * Bad input must fail up front with a ShapeError, never inside a kernel.
 */
const CASES: [string, () => unknown, string, string[]][] = [
  // elementwise
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const).map(
    (op): [string, () => unknown, string, string[]] => [
      `${op}: shapes that do not broadcast`,
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the table runs every op by name
      () => ops[op](t(2, 3), t(4)),
      op,
      ['[2, 3]', '[4]'],
    ],
  ),
  ['add: out of the wrong shape', () => ops.add(t(2, 3), t(2, 3), t(3, 2)), 'add', ['[3, 2]', '[2, 3]']],
  ['add: broadcasting into a smaller out', () => ops.add(t(2, 3), t(3), t(3)), 'add', ['[3]', '[2, 3]']],
  ...(['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'tanh', 'sigmoid', 'square', 'sign'] as const).map(
    (op): [string, () => unknown, string, string[]] => [
      `${op}: out of the wrong shape`,
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the table runs every op by name
      () => ops[op](t(2, 3), t(6)),
      op,
      ['[6]', '[2, 3]'],
    ],
  ),
  ['threshold: out of the wrong shape', () => ops.threshold(t(2, 3), 0, 0, t(3, 2)), 'threshold', ['[3, 2]', '[2, 3]']],
  [
    'thresholdBackward: x and dy differ',
    () => ops.thresholdBackward(t(2, 3), t(3, 2), 0),
    'thresholdBackward',
    ['[2, 3]', '[3, 2]'],
  ],
  ['axpby: sizes differ', () => ops.axpby(1, t(2, 3), 1, t(5)), 'axpby', ['[2, 3]', '[5]']],
  ['copy: sizes differ', () => ops.copy(t(4), t(5)), 'copy', ['[4]', '[5]']],
  // reductions
  ['sum: axis out of range', () => ops.sum(t(2, 3), 2), 'sum', ['[2, 3]']],
  ['mean: non-integer axis', () => ops.mean(t(2, 3), 0.5), 'mean', ['[2, 3]']],
  ['max: repeated axis', () => ops.max(t(2, 3), [1, -1]), 'max', ['[2, 3]']],
  ['min: empty axis', () => ops.min(t(0, 3), 0), 'min', ['[0, 3]']],
  ['sum: out of the wrong shape', () => ops.sum(t(2, 3), 0, false, t(2)), 'sum', ['[2]', '[3]', '[2, 3]']],
  ['argmax: axis out of range', () => ops.argmax(t(2, 3), -3), 'argmax', ['[2, 3]']],
  ['topk: k larger than the axis', () => ops.topk(t(2, 3), 4), 'topk', ['[2, 3]']],
  ['topk: negative k', () => ops.topk(t(2, 3), -1), 'topk', ['[2, 3]']],
  ['topk: non-integer k', () => ops.topk(t(2, 3), 1.5), 'topk', ['[2, 3]']],
  // matmul
  ['matmul: inner sizes differ', () => ops.matmul(t(2, 3), t(4, 5)), 'matmul', ['[2, 3]', '[4, 5]']],
  [
    'matmul: inner sizes differ with transA',
    () => ops.matmul(t(2, 3), t(3, 5), { transA: true }),
    'matmul',
    ['[2, 3]', '[3, 5]'],
  ],
  ['matmul: a not 2-D', () => ops.matmul(t(2, 3, 4), t(4, 5)), 'matmul', ['[2, 3, 4]', '[4, 5]']],
  ['matmul: b not 2-D', () => ops.matmul(t(2, 3), t(3)), 'matmul', ['[2, 3]', '[3]']],
  [
    'matmul: out of the wrong shape',
    () => ops.matmul(t(2, 3), t(3, 5), { out: t(5, 2) }),
    'matmul',
    ['[5, 2]', '[2, 5]'],
  ],
  // layout
  ['permute: not a permutation', () => ops.permute(t(2, 3), [0, 0]), 'permute', ['[2, 3]']],
  ['permute: wrong length', () => ops.permute(t(2, 3), [0, 1, 2]), 'permute', ['[2, 3]']],
  ['permute: out of the wrong shape', () => ops.permute(t(2, 3), [1, 0], t(2, 3)), 'permute', ['[2, 3]', '[3, 2]']],
  ['transpose: axis out of range', () => ops.transpose(t(2, 3), 0, 2), 'transpose', ['[2, 3]']],
  ['concat: sizes differ off the axis', () => ops.concat([t(2, 3), t(2, 4)], 0), 'concat', ['[2, 3]', '[2, 4]']],
  ['concat: ranks differ', () => ops.concat([t(2, 3), t(6)], 0), 'concat', ['[2, 3]', '[6]']],
  ['concat: axis out of range', () => ops.concat([t(2, 3), t(2, 3)], 2), 'concat', ['[2, 3]']],
  ['pad: one pair per axis', () => ops.pad(t(2, 3), [[1, 1]]), 'pad', ['[2, 3]']],
  [
    'pad: negative pad',
    () =>
      ops.pad(t(2, 3), [
        [-1, 0],
        [0, 0],
      ]),
    'pad',
    ['[2, 3]'],
  ],
  [
    'pad: non-integer pad',
    () =>
      ops.pad(t(2, 3), [
        [0.5, 0],
        [0, 0],
      ]),
    'pad',
    ['[2, 3]'],
  ],
  [
    'pad: reflect pad not smaller than the axis',
    () =>
      ops.pad(
        t(2, 3),
        [
          [0, 0],
          [3, 0],
        ],
        'reflect',
      ),
    'pad',
    ['[2, 3]'],
  ],
  [
    'pad: replicate of an empty axis',
    () =>
      ops.pad(
        t(0, 3),
        [
          [1, 0],
          [0, 0],
        ],
        'replicate',
      ),
    'pad',
    ['[0, 3]'],
  ],
  [
    'padBackward: dy is not the padded input',
    () =>
      ops.padBackward(
        t(4, 5),
        [
          [1, 1],
          [1, 1],
        ],
        'zero',
        [2, 2],
      ),
    'padBackward',
    ['[4, 5]', '[2, 2]'],
  ],
  [
    'padBackward: negative input dimension',
    () =>
      ops.padBackward(
        t(4, 5),
        [
          [1, 1],
          [1, 1],
        ],
        'zero',
        [2, -3],
      ),
    'padBackward',
    ['[2, -3]', '[4, 5]'],
  ],
  // convolution
  [
    'conv2d: channels differ',
    () => ops.conv2d(t(2, 3, 8, 8), t(16, 4, 3, 3), null),
    'conv2d',
    ['[2, 3, 8, 8]', '[16, 4, 3, 3]'],
  ],
  [
    'conv2d: input not 4-D',
    () => ops.conv2d(t(3, 8, 8), t(16, 3, 3, 3), null),
    'conv2d',
    ['[3, 8, 8]', '[16, 3, 3, 3]'],
  ],
  [
    'conv2d: weight not 4-D',
    () => ops.conv2d(t(2, 3, 8, 8), t(16, 3, 3), null),
    'conv2d',
    ['[2, 3, 8, 8]', '[16, 3, 3]'],
  ],
  [
    'conv2d: bias of the wrong size',
    () => ops.conv2d(t(2, 3, 8, 8), t(16, 3, 3, 3), t(15)),
    'conv2d',
    ['[15]', '[2, 3, 8, 8]', '[16, 3, 3, 3]'],
  ],
  [
    'conv2d: empty output',
    () => ops.conv2d(t(1, 1, 2, 2), t(1, 1, 5, 5), null),
    'conv2d',
    ['[1, 1, 2, 2]', '[1, 1, 5, 5]'],
  ],
  [
    'conv2d: zero stride',
    () => ops.conv2d(t(1, 1, 4, 4), t(1, 1, 3, 3), null, { stride: 0 }),
    'conv2d',
    ['[1, 1, 4, 4]', '[1, 1, 3, 3]'],
  ],
  [
    'conv2d: non-integer stride',
    () => ops.conv2d(t(1, 1, 4, 4), t(1, 1, 3, 3), null, { stride: [1, 1.5] }),
    'conv2d',
    ['[1, 1, 4, 4]', '[1, 1, 3, 3]'],
  ],
  [
    'conv2d: stride that is neither a number nor a pair',
    () => ops.conv2d(t(1, 1, 4, 4), t(1, 1, 3, 3), null, { stride: [1, 1, 1] as never }),
    'conv2d',
    ['[1, 1, 4, 4]', '[1, 1, 3, 3]'],
  ],
  [
    'conv2d: negative padding',
    () => ops.conv2d(t(1, 1, 4, 4), t(1, 1, 3, 3), null, { padding: -1 }),
    'conv2d',
    ['[1, 1, 4, 4]', '[1, 1, 3, 3]'],
  ],
  [
    'conv2d: out of the wrong shape',
    () => ops.conv2d(t(1, 1, 4, 4), t(2, 1, 3, 3), null, {}, t(1, 1, 2, 2)),
    'conv2d',
    ['[1, 1, 2, 2]', '[1, 2, 2, 2]'],
  ],
  [
    'conv2dBackwardData: dy does not match',
    () => ops.conv2dBackwardData(t(1, 2, 3, 3), t(2, 1, 3, 3), [1, 1, 4, 4]),
    'conv2dBackwardData',
    ['[1, 2, 3, 3]', '[1, 1, 4, 4]'],
  ],
  [
    'conv2dBackwardData: negative input dimension',
    () => ops.conv2dBackwardData(t(1, 2, 2, 2), t(2, 1, 3, 3), [1, -1, 4, 4]),
    'conv2dBackwardData',
    ['[1, -1, 4, 4]', '[1, 2, 2, 2]'],
  ],
  [
    'conv2dBackwardData: non-integer input dimension',
    () => ops.conv2dBackwardData(t(1, 2, 2, 2), t(2, 1, 3, 3), [1, 1, 4.5, 4]),
    'conv2dBackwardData',
    ['[1, 1, 4.5, 4]', '[1, 2, 2, 2]'],
  ],
  [
    'conv2dBackwardData: input shape of rank 3',
    () => ops.conv2dBackwardData(t(1, 2, 2, 2), t(2, 1, 3, 3), [1, 4, 4]),
    'conv2dBackwardData',
    ['[1, 4, 4]', '[1, 2, 2, 2]'],
  ],
  [
    'conv2dBackwardFilter: dy does not match',
    () => ops.conv2dBackwardFilter(t(1, 1, 4, 4), t(1, 2, 3, 3), [2, 1, 3, 3]),
    'conv2dBackwardFilter',
    ['[1, 2, 3, 3]', '[1, 1, 4, 4]', '[2, 1, 3, 3]'],
  ],
  [
    'conv2dBackwardFilter: negative weight dimension',
    () => ops.conv2dBackwardFilter(t(1, 1, 4, 4), t(1, 2, 2, 2), [2, 1, -3, 3]),
    'conv2dBackwardFilter',
    ['[2, 1, -3, 3]', '[1, 1, 4, 4]'],
  ],
  [
    'conv2dBackwardFilter: dw of the wrong shape',
    () => ops.conv2dBackwardFilter(t(1, 1, 4, 4), t(1, 2, 2, 2), [2, 1, 3, 3], {}, { dw: t(2, 1, 2, 2) }),
    'conv2dBackwardFilter',
    ['dw has shape [2, 1, 2, 2]', '[2, 1, 3, 3]'],
  ],
  [
    'convTranspose2d: channels differ',
    () => ops.convTranspose2d(t(1, 3, 4, 4), t(2, 5, 3, 3), null),
    'convTranspose2d',
    ['[1, 3, 4, 4]', '[2, 5, 3, 3]'],
  ],
  [
    'convTranspose2d: output padding not below stride',
    () => ops.convTranspose2d(t(1, 2, 4, 4), t(2, 5, 3, 3), null, { stride: 2, outputPadding: 2 }),
    'convTranspose2d',
    ['[1, 2, 4, 4]', '[2, 5, 3, 3]'],
  ],
  [
    'convTranspose2d: empty output',
    () => ops.convTranspose2d(t(1, 2, 1, 1), t(2, 5, 1, 1), null, { padding: 1 }),
    'convTranspose2d',
    ['[1, 2, 1, 1]', '[2, 5, 1, 1]'],
  ],
  [
    'convTranspose2d: weight not 4-D',
    () => ops.convTranspose2d(t(1, 2, 4, 4), t(2, 5, 3), null),
    'convTranspose2d',
    ['[2, 5, 3]', '[1, 2, 4, 4]'],
  ],
  [
    'convTranspose2d: empty input (whose output would be padding alone)',
    () => ops.convTranspose2d(t(1, 2, 0, 4), t(2, 5, 3, 3), null),
    'convTranspose2d',
    ['[1, 2, 0, 4]', '[2, 5, 3, 3]'],
  ],
  [
    'convTranspose2d: bias of the wrong size',
    () => ops.convTranspose2d(t(1, 2, 4, 4), t(2, 5, 3, 3), t(2)),
    'convTranspose2d',
    ['[2]', '[1, 2, 4, 4]', '[2, 5, 3, 3]'],
  ],
  [
    'convTranspose2dBackwardData: dy does not match',
    () => ops.convTranspose2dBackwardData(t(1, 5, 5, 5), t(2, 5, 3, 3), [1, 2, 4, 4]),
    'convTranspose2dBackwardData',
    ['[1, 5, 5, 5]', '[1, 2, 4, 4]', '[2, 5, 3, 3]'],
  ],
  [
    'convTranspose2dBackwardFilter: dy does not match',
    () => ops.convTranspose2dBackwardFilter(t(1, 2, 4, 4), t(1, 5, 5, 5), [2, 5, 3, 3]),
    'convTranspose2dBackwardFilter',
    ['[1, 5, 5, 5]', '[1, 2, 4, 4]', '[2, 5, 3, 3]'],
  ],
  // pooling
  ['maxPool2d: input not 4-D', () => ops.maxPool2d(t(3, 8, 8), { kernel: 2 }), 'maxPool2d', ['[3, 8, 8]']],
  [
    'maxPool2d: padding over half the kernel',
    () => ops.maxPool2d(t(1, 1, 8, 8), { kernel: 3, padding: 2 }),
    'maxPool2d',
    ['[1, 1, 8, 8]'],
  ],
  ['maxPool2d: empty output', () => ops.maxPool2d(t(1, 1, 2, 2), { kernel: 3 }), 'maxPool2d', ['[1, 1, 2, 2]']],
  ['avgPool2d: zero kernel', () => ops.avgPool2d(t(1, 1, 4, 4), { kernel: 0 }), 'avgPool2d', ['[1, 1, 4, 4]']],
  [
    'avgPool2d: negative stride',
    () => ops.avgPool2d(t(1, 1, 4, 4), { kernel: 2, stride: -1 }),
    'avgPool2d',
    ['[1, 1, 4, 4]'],
  ],
  [
    'maxPool2dBackward: dy does not match',
    () => ops.maxPool2dBackward(t(1, 1, 4, 4), t(1, 1, 3, 3), { kernel: 2 }),
    'maxPool2dBackward',
    ['[1, 1, 3, 3]', '[1, 1, 4, 4]'],
  ],
  [
    'avgPool2dBackward: dy does not match',
    () => ops.avgPool2dBackward(t(1, 1, 3, 3), [1, 1, 4, 4], { kernel: 2 }),
    'avgPool2dBackward',
    ['[1, 1, 3, 3]', '[1, 1, 4, 4]'],
  ],
  [
    'avgPool2dBackward: negative input dimension',
    () => ops.avgPool2dBackward(t(1, 1, 2, 2), [1, 1, -4, 4], { kernel: 2 }),
    'avgPool2dBackward',
    ['[1, 1, -4, 4]', '[1, 1, 2, 2]'],
  ],
  // batch norm
  ['batchNormTrain: input of rank 1', () => ops.batchNormTrain(t(4), null, null), 'batchNormTrain', ['[4]']],
  [
    'batchNormTrain: gamma of the wrong size',
    () => ops.batchNormTrain(t(4, 3), t(4), null),
    'batchNormTrain',
    ['[4]', '[4, 3]'],
  ],
  [
    'batchNormTrain: running mean of the wrong size',
    () => ops.batchNormTrain(t(4, 3, 2, 2), null, null, { runningMean: t(2) }),
    'batchNormTrain',
    ['[2]', '[4, 3, 2, 2]'],
  ],
  [
    'batchNormTrain: one value per channel',
    () => ops.batchNormTrain(t(1, 3), null, null),
    'batchNormTrain',
    ['[1, 3]'],
  ],
  [
    'batchNormEval: running var of the wrong size',
    () => ops.batchNormEval(t(4, 3), null, null, t(3), t(5)),
    'batchNormEval',
    ['[5]', '[4, 3]'],
  ],
  [
    'batchNormApply: invStd of the wrong size',
    () => ops.batchNormApply(t(4, 3), null, null, t(3), t(2)),
    'batchNormApply',
    ['[2]', '[4, 3]'],
  ],
  [
    'batchNormInvStd: out of another size',
    () => ops.batchNormInvStd(t(3), 1e-5, t(4)),
    'batchNormInvStd',
    ['[3]', '[4]'],
  ],
  [
    'batchNormBackward: dy differs from x',
    () => ops.batchNormBackward(t(4, 3), t(3, 4), null, t(3), t(3), true),
    'batchNormBackward',
    ['[3, 4]', '[4, 3]'],
  ],
  // up-sampling
  ['upsampleNearest2d: input not 4-D', () => ops.upsampleNearest2d(t(2, 2), 2), 'upsampleNearest2d', ['[2, 2]']],
  [
    'upsampleNearest2d: zero scale',
    () => ops.upsampleNearest2d(t(1, 1, 2, 2), 0),
    'upsampleNearest2d',
    ['[1, 1, 2, 2]'],
  ],
  [
    'upsampleNearest2d: non-integer scale',
    () => ops.upsampleNearest2d(t(1, 1, 2, 2), [2, 1.5]),
    'upsampleNearest2d',
    ['[1, 1, 2, 2]'],
  ],
  [
    'upsampleNearest2dBackward: dy not divisible',
    () => ops.upsampleNearest2dBackward(t(1, 1, 3, 4), 2),
    'upsampleNearest2dBackward',
    ['[1, 1, 3, 4]'],
  ],
  // softmax
  ['softmax: input not 2-D', () => ops.softmax(t(2, 3, 4)), 'softmax', ['[2, 3, 4]']],
  ['logSoftmax: input not 2-D', () => ops.logSoftmax(t(3)), 'logSoftmax', ['[3]']],
  [
    'softmaxBackward: dy differs from y',
    () => ops.softmaxBackward(t(2, 3), t(3, 2)),
    'softmaxBackward',
    ['[3, 2]', '[2, 3]'],
  ],
  [
    'logSoftmaxBackward: y not 2-D',
    () => ops.logSoftmaxBackward(t(6), t(2, 3)),
    'logSoftmaxBackward',
    ['[6]', '[2, 3]'],
  ],
];

describe('every op rejects bad shapes with a ShapeError naming the op and the shapes', () => {
  test.each(CASES)('%s', (_, call, op, shapes) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error, 'no error thrown').toBeInstanceOf(ShapeError);
    const message = (error as ShapeError).message;
    expect(message.startsWith(`${op}: `), message).toBe(true);
    expect((error as ShapeError).op).toBe(op);
    for (const s of shapes) expect(message, `message should name ${s}`).toContain(s);
  });

  test('the example from the brief reads as expected', () => {
    expect(() => ops.conv2d(t(2, 3, 8, 8), t(16, 4, 3, 3), null)).toThrow(
      'conv2d: input channels 3 do not match weight [16, 4, 3, 3] for input [2, 3, 8, 8]',
    );
  });
});

describe('other argument errors', () => {
  test('mixed dtypes are a TypeError naming the op and both tensors', () => {
    const a = zeros([2], 'float32');
    const b = zeros([2], 'float64');
    expect(() => ops.add(a, b)).toThrow(/^add: dtype mismatch: float32 \[2\] vs float64 \[2\]$/);
    expect(() => ops.exp(a, zeros([2], 'float64'))).toThrow(TypeError);
  });

  test('a disposed input is a DisposedError naming the op', () => {
    const x = t(2, 2);
    x.dispose();
    expect(() => ops.relu(x)).toThrow(DisposedError);
    expect(() => ops.relu(x)).toThrow('relu: tensor was disposed');
  });

  test('out may alias an input only where the op works in place', () => {
    const x = t(2, 3);
    expect(ops.add(x, 1, x)).toBe(x);
    expect(() => ops.permute(x, [0, 1], x)).toThrow(/permute: out \[2, 3\] overlaps input \[2, 3\]/);
    // A different view of the same storage is not "in place" for a broadcasting op.
    const row = x.slice(0, 1).reshape([3]);
    expect(() => ops.add(x, row, x)).toThrow(/add: out \[2, 3\] overlaps input \[3\]/);
    expect(() => ops.matmul(t(3, 3), x.reshape([3, 2]), { out: x.reshape([3, 2]) })).toThrow(/matmul: out/);
  });

  test('matmul with beta ≠ 0 needs an out to accumulate into', () => {
    expect(() => ops.matmul(t(2, 2), t(2, 2), { beta: 1 })).toThrow(/matmul: beta = 1 accumulates into out/);
  });

  test('unknown pad mode and missing pooling kernel name the op', () => {
    expect(() => ops.pad(t(2), [[1, 1]], 'wrap' as never)).toThrow(/^pad: unknown pad mode 'wrap'/);
    expect(() => ops.maxPool2d(t(1, 1, 2, 2), {} as never)).toThrow(/^maxPool2d: options must include a kernel size/);
  });

  test('batch norm rejects a negative eps and an out-of-range momentum', () => {
    expect(() => ops.batchNormTrain(t(4, 3), null, null, { eps: -1 })).toThrow(/^batchNormTrain: eps/);
    expect(() => ops.batchNormTrain(t(4, 3), null, null, { momentum: 2 })).toThrow(/^batchNormTrain: momentum/);
  });
});
