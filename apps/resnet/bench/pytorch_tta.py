#!/usr/bin/python3
"""The PyTorch side of funt's end-to-end benchmark (apps/resnet/bench/tta.ts).

A whole training run with the recipe funt's side runs (bench/tta-funt.ts: the app's `train`
command with the quickstart recipe), on the same files (bench/mnist60k.ts writes them in MNIST's
IDX layout):

  data       60,000 training digits, 500 validation and 2,000 test digits (--validation), uint8 28x28, framed
             in 32x32 (zero border of 2) and kept as float32 pixels; standardised with the mean
             training image and one std (funt's fitStandardization 'image')
  model      the same ResNet (resnet_fixture.ResNet: n blocks per stage, F filters), initialised
             as funt's resnet() does: Kaiming-normal convolutions and classifier (fan-in), zero
             classifier bias, batch-norm weights uniform in [0, 1) (Torch's), biases 0
  training   SGD with Nesterov momentum 0.9, weight decay 1e-4, learning rate 0.1 on a cosine
             schedule evaluated at every iteration (epoch + iteration / iterations per epoch),
             batch 64, a fresh permutation each epoch (the last batch short); each batch:
             gather, random 32x32 crops of the image padded by 2, a rotation by a uniform angle
             in [-10, 10] degrees about the centre (bilinear, zeros outside), standardisation,
             forward, NLL loss, backward, step, the loss read back
  per epoch  accuracy on 1,000 random training images and on the validation set (batches of
             250, evaluation mode); the parameters of the best validation epoch are kept
  at the end those parameters restored and saved (torch.save), accuracy on the test set

    /usr/bin/python3 apps/resnet/bench/pytorch_tta.py --data <dir> --epochs 5 --threads 2

prints one JSON object on the last line of stdout (what bench/tta-record.ts parses).
"""
import argparse
import copy
import json
import math
import os
import resource
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts', 'pytorch'))
from resnet_fixture import ResNet  # noqa: E402

# The quickstart recipe (apps/resnet/src/commands/quickstart.ts), as funt's side runs it.
N_BLOCKS = 2
FILTERS = 8
BATCH = 64
LR = 0.1
MOMENTUM = 0.9
WEIGHT_DECAY = 1e-4
CROP_PAD = 2
ROTATE = 10.0
EVAL_BATCH = 250
TRAIN_CHECK = 1000
SIDE = 32


def read_idx(path):
    """An IDX file of uint8 values (MNIST's layout) as a numpy array."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise SystemExit(f'pytorch_tta.py: {path} is not an IDX file of uint8 values')
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def framed(images):
    """uint8 N x 28 x 28 -> float32 N x 1 x 32 x 32 pixels, centred in a zero frame (funt's frameSet)."""
    n, h, w = images.shape
    out = np.zeros((n, 1, SIDE, SIDE), dtype=np.float32)
    dy, dx = (SIDE - h) // 2, (SIDE - w) // 2
    out[:, 0, dy:dy + h, dx:dx + w] = images
    return torch.from_numpy(out)


def load(folder, validation):
    x_train = framed(read_idx(os.path.join(folder, 'train-images-idx3-ubyte')))
    y_train = torch.from_numpy(read_idx(os.path.join(folder, 'train-labels-idx1-ubyte')).astype(np.int64))
    x_held = framed(read_idx(os.path.join(folder, 't10k-images-idx3-ubyte')))
    y_held = torch.from_numpy(read_idx(os.path.join(folder, 't10k-labels-idx1-ubyte')).astype(np.int64))
    v = validation
    return (x_train, y_train), (x_held[:v], y_held[:v]), (x_held[v:], y_held[v:])


def standardization(x):
    """The mean training image and one std of the mean-subtracted pixels, accumulated in float64."""
    mean = torch.zeros(x.shape[1:], dtype=torch.float64)
    for chunk in x.split(4096):
        mean += chunk.double().sum(0)
    mean /= x.shape[0]
    sq = 0.0
    for chunk in x.split(4096):
        sq += ((chunk.double() - mean) ** 2).sum().item()
    std = math.sqrt(sq / x.numel())
    return mean.float(), float(np.float32(std))


def initialise(model, gen):
    """As funt's resnet(): Kaiming-normal (fan-in) convolutions and classifier, zero classifier
    bias, batch-norm weights uniform in [0, 1) and biases 0 (Torch's batch-norm initialisation)."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
            m.weight.data = torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / fan_in)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data = torch.rand(m.num_features, generator=gen)
            m.bias.data.zero_()
        elif isinstance(m, nn.Linear):
            m.weight.data = torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / m.in_features)
            m.bias.data.zero_()


def augment(x, gen):
    """Random 32x32 crops of the batch padded by CROP_PAD, then rotations by uniform angles in
    [-ROTATE, ROTATE] degrees about the centre, bilinear, zeros outside (funt's randomCrops then
    randomRotate, on raw pixels)."""
    b = x.shape[0]
    padded = F.pad(x, (CROP_PAD, CROP_PAD, CROP_PAD, CROP_PAD))
    top = torch.randint(0, 2 * CROP_PAD + 1, (b,), generator=gen)
    left = torch.randint(0, 2 * CROP_PAD + 1, (b,), generator=gen)
    span = torch.arange(SIDE)
    rows = (top[:, None] + span)[:, :, None]
    cols = (left[:, None] + span)[:, None, :]
    x = padded[torch.arange(b)[:, None, None], 0, rows, cols].unsqueeze(1)
    angle = (torch.rand(b, generator=gen) * 2 - 1) * (ROTATE * math.pi / 180)
    cos, sin, zero = angle.cos(), angle.sin(), torch.zeros(b)
    # Output pixel p samples the input at R(-angle) p about the centre, as funt's randomRotate.
    theta = torch.stack([torch.stack([cos, sin, zero], 1), torch.stack([-sin, cos, zero], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=True)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)


def accuracy(model, x, y, mean, std):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in zip(x.split(EVAL_BATCH), y.split(EVAL_BATCH)):
            correct += (model((xb - mean) / std).argmax(1) == yb).sum().item()
    return correct / x.shape[0]


def run(folder, epochs, threads, seed, validation):
    t_start = time.perf_counter()
    torch.set_num_threads(threads)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load(folder, validation)
    mean, std = standardization(x_train)
    gen = torch.Generator().manual_seed(seed)
    model = ResNet(N_BLOCKS, FILTERS, (1, SIDE, SIDE), 10)
    initialise(model, gen)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, nesterov=True, weight_decay=WEIGHT_DECAY)
    n = x_train.shape[0]
    iterations = math.ceil(n / BATCH)
    best_acc, best_epoch, best_state = -1.0, 0, None
    epoch_seconds, val_accuracy = [], []
    for epoch in range(epochs):
        t_epoch = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=gen)
        for it in range(iterations):
            progress = (epoch + it / iterations) / epochs
            for group in optimizer.param_groups:
                group['lr'] = LR * (1 + math.cos(math.pi * progress)) / 2
            idx = order[it * BATCH:(it + 1) * BATCH]
            x = (augment(x_train[idx], gen) - mean) / std
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y_train[idx])
            loss.backward()
            optimizer.step()
            if not math.isfinite(loss.item()):
                raise SystemExit(f'pytorch_tta.py: the loss became {loss.item()} in epoch {epoch + 1}')
        check = torch.randperm(n, generator=gen)[:TRAIN_CHECK]
        accuracy(model, x_train[check], y_train[check], mean, std)
        val = accuracy(model, x_val, y_val, mean, std)
        if val > best_acc:
            best_acc, best_epoch, best_state = val, epoch + 1, copy.deepcopy(model.state_dict())
        val_accuracy.append(val)
        epoch_seconds.append(time.perf_counter() - t_epoch)
    model.load_state_dict(best_state)
    with tempfile.TemporaryDirectory(prefix='pytorch-tta-') as out:
        torch.save(model.state_dict(), os.path.join(out, 'best_model.pt'))
    test = accuracy(model, x_test, y_test, mean, std)
    return {
        'impl': 'pytorch',
        'backend': f'torch {torch.__version__}',
        'epochs': epochs,
        'threads': threads,
        'trainImages': n,
        'trainSeconds': time.perf_counter() - t_start,
        'epochSeconds': epoch_seconds,
        'valAccuracy': val_accuracy,
        'bestEpoch': best_epoch,
        'testAccuracy': test,
        'testImages': x_test.shape[0],
        # Linux reports ru_maxrss in KiB.
        'peakRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text}')
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', required=True, help='the folder bench/mnist60k.ts writes')
    parser.add_argument('--epochs', type=positive, default=5)
    parser.add_argument('--threads', type=positive, default=1, help='torch.set_num_threads')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--validation', type=positive, default=500,
                        help='the first VALIDATION held-out digits are the per-epoch check, the rest the test set')
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.epochs, args.threads, args.seed, args.validation)))


if __name__ == '__main__':
    main()
