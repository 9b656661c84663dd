import * as tf from '@tensorflow/tfjs-core';
import { BATCH, type Pass, RESNET20 } from '../../src/benchmark/step.js';

/**
 * ResNet-20 in TensorFlow.js ops (tfjs-core has no layers), the network funt's step times
 * (apps/resnet's `resnet()`, src/benchmark/step.ts): a 3×3 convolution to 16 channels, three
 * stages of three basic blocks (16, 32, 64 filters; the first block of stages 2 and 3 strides
 * by 2 and its shortcut is option A, a 2×2 average pool with zero channels appended), batch
 * norm after every convolution, global average pooling, a linear layer and log-softmax. Layout
 * NHWC (tfjs's native one; the arithmetic is the same). Training uses the batch's statistics and
 * SGD with Nesterov momentum 0.9, as funt's step does; the running statistics are not updated
 * and there is no weight decay (both are cheap next to the convolutions).
 */
interface ConvBn {
  w: tf.Variable<tf.Rank.R4>;
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

interface Block {
  a: ConvBn;
  b: ConvBn;
  stride: number;
  inC: number;
  outC: number;
}

function convBn(inC: number, outC: number, seed: number): ConvBn {
  const std = Math.sqrt(2 / (9 * outC)); // Kaiming normal, fan-out, as funt initialises
  return {
    w: tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, inC, outC], 0, std, 'float32', seed)),
    gamma: tf.variable(tf.ones<tf.Rank.R1>([outC])),
    beta: tf.variable(tf.zeros<tf.Rank.R1>([outC])),
    mean: tf.zeros<tf.Rank.R1>([outC]),
    variance: tf.ones<tf.Rank.R1>([outC]),
  };
}

function applyConvBn(x: tf.Tensor4D, p: ConvBn, stride: number, training: boolean): tf.Tensor4D {
  const y = tf.conv2d(x, p.w, stride, 'same');
  if (!training) return tf.batchNorm4d(y, p.mean, p.variance, p.beta, p.gamma, 1e-5);
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  return tf.batchNorm4d(y, mean as tf.Tensor1D, variance as tf.Tensor1D, p.beta, p.gamma, 1e-5);
}

export class TfjsResnet20 {
  private readonly stem: ConvBn;
  private readonly blocks: Block[] = [];
  private readonly fcW: tf.Variable;
  private readonly fcB: tf.Variable;

  constructor() {
    let seed = 1;
    this.stem = convBn(RESNET20.inputShape[0], RESNET20.filters, seed++);
    let inC = RESNET20.filters;
    for (let stage = 0; stage < 3; stage++) {
      const outC = RESNET20.filters << stage;
      for (let i = 0; i < RESNET20.n; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        this.blocks.push({ a: convBn(inC, outC, seed++), b: convBn(outC, outC, seed++), stride, inC, outC });
        inC = outC;
      }
    }
    const bound = 1 / Math.sqrt(inC);
    this.fcW = tf.variable(tf.randomUniform([inC, RESNET20.classes], -bound, bound, 'float32', seed++));
    this.fcB = tf.variable(tf.zeros([RESNET20.classes]));
  }

  get trainable(): tf.Variable[] {
    const convs = [this.stem, ...this.blocks.flatMap((b) => [b.a, b.b])];
    return [...convs.flatMap((c) => [c.w, c.gamma, c.beta]), this.fcW, this.fcB];
  }

  /** Log-probabilities [N, 10] of images [N, 32, 32, 3]. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    let h = tf.relu(applyConvBn(x, this.stem, 1, training));
    for (const b of this.blocks) {
      const y = applyConvBn(tf.relu(applyConvBn(h, b.a, b.stride, training)), b.b, 1, training);
      let shortcut: tf.Tensor4D = h;
      if (b.stride === 2) {
        shortcut = tf.avgPool(h, 2, 2, 'valid');
        shortcut = tf.pad(shortcut as tf.Tensor4D, [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, b.outC - b.inC],
        ]);
      }
      h = tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
    }
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.logSoftmax(tf.add(tf.matMul(pooled, this.fcW as tf.Tensor2D), this.fcB)) as tf.Tensor2D;
  }
}

/** A training step (NLL loss, gradients of every parameter, the update) or an inference pass, on one random batch. */
export function tfjsStep(pass: Pass, batch = BATCH): () => void {
  const model = new TfjsResnet20();
  const [c, h, w] = RESNET20.inputShape;
  const x = tf.randomNormal([batch, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.oneHot(tf.randomUniform([batch], 0, RESNET20.classes, 'int32', 8), RESNET20.classes);
  if (pass === 'inference') {
    return () => {
      const out = tf.tidy(() => model.forward(x, false));
      out.dataSync();
      out.dispose();
    };
  }
  const optimizer = tf.train.momentum(0.1, 0.9, true);
  return () => {
    const loss = optimizer.minimize(
      () => tf.neg(tf.mean(tf.sum(tf.mul(model.forward(x, true), labels), 1))) as tf.Scalar,
      true,
      model.trainable,
    );
    loss?.dataSync();
    loss?.dispose();
  };
}
