import {
  CAddTable,
  ConcatTable,
  foldBatchNorms,
  fuseActivations,
  fuseResidualJoins,
  Identity,
  init,
  Linear,
  LogSoftMax,
  type Module,
  Padding,
  ReLU,
  Sequential,
  SpatialAveragePooling,
  SpatialBatchNormalization,
  SpatialConvolution,
  View,
} from '@funt/layers';
import type { Rng } from '@funt/tensor';

/** What defines a network; stored in every run folder so the model can be rebuilt for eval. */
export interface ResnetOptions {
  /** Residual blocks per stage: the network has 6n+2 weighted layers (+ hidden ones). */
  n: number;
  /** Filters of the first stage; the second and third stages have 2F and 4F. */
  filters: number;
  /** [C, H, W] of one input image; H and W must be divisible by 4 (two stride-2 stages). */
  inputShape: [number, number, number];
  classes: number;
  /** false: no shortcuts, the "plain" network of the same depth (He et al.'s comparison). */
  skip: boolean;
  /** Widths of hidden affine+ReLU layers between the pooled features and the classifier. */
  hiddenDims: number[];
  /**
   * Source of every initial value (the convolutions' and affine layers' Kaiming weights and the
   * batch norms' scales), drawn in the order the modules are built: the same seed gives the same
   * network, whatever else the process has drawn before.
   */
  rng: Rng;
}

/** What a trained network is: its options without the initialisation's random source. */
export type ResnetArchitecture = Omit<ResnetOptions, 'rng'>;

class ResnetConfigError extends Error {
  constructor(detail: string) {
    super(`resnet: ${detail}`);
    this.name = 'ResnetConfigError';
  }
}

/** Values in one input image, at most: a model file cannot ask for inputs larger than this. */
export const MAX_INPUT_VALUES = 1 << 24;

/** Throws a clear error unless `o` describes a network resnet() can build. */
export function checkArchitecture(o: ResnetArchitecture): void {
  const int = (name: string, v: unknown, min: number) => {
    if (!Number.isInteger(v) || (v as number) < min)
      throw new ResnetConfigError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  int('n', o.n, 1);
  int('filters', o.filters, 1);
  int('classes', o.classes, 2);
  if (!Array.isArray(o.inputShape) || o.inputShape.length !== 3) {
    throw new ResnetConfigError(`inputShape must be [C, H, W], got ${JSON.stringify(o.inputShape)}`);
  }
  const [c, h, w] = o.inputShape;
  int('inputShape[0] (channels)', c, 1);
  if (!Number.isInteger(h) || !Number.isInteger(w) || h % 4 !== 0 || w % 4 !== 0 || h < 4 || w < 4) {
    // Two stride-2 stages: a size not divisible by 4 would make the pooled shortcut and the
    // strided convolution disagree by one pixel.
    throw new ResnetConfigError(
      `input height and width must be positive multiples of 4 (two stride-2 stages), got ${h}x${w}`,
    );
  }
  if (c * h * w > MAX_INPUT_VALUES) {
    throw new ResnetConfigError(`an input of ${c}x${h}x${w} values is larger than the ${MAX_INPUT_VALUES} allowed`);
  }
  if (!Array.isArray(o.hiddenDims))
    throw new ResnetConfigError(`hiddenDims must be a list, got ${JSON.stringify(o.hiddenDims)}`);
  o.hiddenDims.forEach((d, i) => int(`hiddenDims[${i}]`, d, 1));
}

/** 3×3 convolution without bias (the batch norm after it has one), Kaiming-initialised. */
function conv3x3(nIn: number, nOut: number, stride: number, rng: Rng): SpatialConvolution {
  return new SpatialConvolution(nIn, nOut, 3, 3, stride, stride, 1, 1)
    .noBias()
    .reset({ rng, weight: init.kaimingNormal });
}

/** Batch norm over `c` channels, its scales γ drawn from `rng` (uniform in [0, 1), as Torch). */
function batchNorm(c: number, rng: Rng): SpatialBatchNormalization {
  return new SpatialBatchNormalization(c).reset({ rng });
}

/**
 * Option-A shortcut for a block that halves the size and widens nIn → nOut channels: 2×2
 * average pooling with stride 2, then zeros appended as the extra channels. It has no
 * parameters, so the plain and residual networks have the same parameter count.
 */
function shortcutA(nIn: number, nOut: number, stride: number): Module {
  if (stride === 1 && nIn === nOut) return new Identity();
  const s = new Sequential();
  if (stride !== 1) s.add(new SpatialAveragePooling(stride, stride, stride, stride));
  // Dimension 1 of an N×C×H×W batch is the channel (nInputDim 3 = one C×H×W image).
  if (nOut !== nIn) s.add(new Padding(1, nOut - nIn, 3, 0));
  return s;
}

/** conv-BN-ReLU-conv-BN, plus the shortcut, then ReLU. */
function residualBlock(nIn: number, nOut: number, stride: number, skip: boolean, rng: Rng): Module {
  const body = new Sequential()
    .add(conv3x3(nIn, nOut, stride, rng))
    .add(batchNorm(nOut, rng))
    .add(new ReLU(true))
    .add(conv3x3(nOut, nOut, 1, rng))
    .add(batchNorm(nOut, rng));
  const block = new Sequential();
  if (skip) block.add(new ConcatTable().add(body).add(shortcutA(nIn, nOut, stride))).add(new CAddTable());
  else block.add(body);
  return block.add(new ReLU(true));
}

/** How the network runs, not what it is (so not part of ResnetOptions, which run folders store). */
export interface ResnetBuildOptions {
  /**
   * Fuse each ReLU into the batch norm or residual addition before it (`fuseActivations` of
   * @funt/layers), and in training each block's residual addition into the block's last batch
   * norm (`fuseResidualJoins`): the same bits, the same module tree and names, two passes over
   * each such activation fewer. Default true; false builds the plain Torch-style sequence.
   */
  fuse?: boolean;
  /**
   * Fold each batch norm into the convolution before it for inference, with the block's
   * residual join and ReLU in the convolution's epilogue (`foldBatchNorms` of @funt/layers):
   * an evaluation pass of the model computes the same values to float32 round-off with two or
   * three passes over each activation fewer; training is untouched. Default true.
   */
  fold?: boolean;
}

/**
 * The residual network of He et al. 2015 for CIFAR-sized images: a 3×3 convolution to F
 * channels; three stages of n blocks at F, 2F and 4F channels (the first block of stages two
 * and three has stride 2); global average pooling; optional hidden affine layers; a linear
 * classifier and LogSoftMax (train it with ClassNLLCriterion).
 */
export function resnet(options: ResnetOptions, { fuse = true, fold = true }: ResnetBuildOptions = {}): Sequential {
  checkArchitecture(options);
  const { n, filters: f, inputShape, classes, skip, hiddenDims, rng } = options;
  const [c, h, w] = inputShape;
  const net = new Sequential()
    .add(conv3x3(c, f, 1, rng))
    .add(batchNorm(f, rng))
    .add(new ReLU(true));
  const widths = [f, 2 * f, 4 * f];
  let nIn = f;
  widths.forEach((nOut, stage) => {
    for (let b = 0; b < n; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      net.add(residualBlock(nIn, nOut, stride, skip, rng));
      nIn = nOut;
    }
  });
  // Two stride-2 stages: the last stage works at a quarter of the input size (8×8 for 32×32).
  net.add(new SpatialAveragePooling(w / 4, h / 4, 1, 1)).add(new View(-1, nIn));
  for (const d of hiddenDims) {
    const fc = new Linear(nIn, d).reset({ rng, weight: init.kaimingNormal, bias: init.constant(0) });
    net.add(fc).add(new ReLU(true));
    nIn = d;
  }
  net
    .add(new Linear(nIn, classes).reset({ rng, weight: init.kaimingNormal, bias: init.constant(0) }))
    .add(new LogSoftMax());
  if (fuse) {
    fuseActivations(net);
    fuseResidualJoins(net);
  }
  if (fold) foldBatchNorms(net);
  return net;
}

/**
 * How many values the network's state dict holds (parameters and batch-norm statistics),
 * computed from the architecture alone: a model file's tensors are checked against it before
 * the network is built, so a file cannot make a reader allocate a network larger than itself.
 */
export function stateSizeOf(
  a: Pick<ResnetArchitecture, 'n' | 'filters' | 'inputShape' | 'classes' | 'hiddenDims'>,
): number {
  const conv = (nIn: number, nOut: number) => 9 * nIn * nOut;
  // A batch norm holds weight, bias, running mean and running variance per channel.
  const bn = (c: number) => 4 * c;
  let size = conv(a.inputShape[0], a.filters) + bn(a.filters);
  let nIn = a.filters;
  for (const nOut of [a.filters, 2 * a.filters, 4 * a.filters]) {
    for (let b = 0; b < a.n; b++) {
      size += conv(nIn, nOut) + bn(nOut) + conv(nOut, nOut) + bn(nOut);
      nIn = nOut;
    }
  }
  for (const d of [...a.hiddenDims, a.classes]) {
    size += nIn * d + d;
    nIn = d;
  }
  return size;
}

/** Weighted layers of the network as He et al. count them (convolutions and affine layers). */
export function depthOf(o: Pick<ResnetOptions, 'n' | 'hiddenDims'>): number {
  return 6 * o.n + 2 + o.hiddenDims.length;
}
