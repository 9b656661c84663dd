#!/usr/bin/python3
"""Writes the PyTorch cross-check fixtures for funt's ResNet (apps/resnet/test-fixtures/).

Run with Debian's Python and PyTorch (`apt-get install -y python3-torch`), from the repo root:

    /usr/bin/python3 apps/resnet/scripts/pytorch/resnet_fixture.py

It builds the same network as funt's `resnet({ n, filters, inputShape, classes, hiddenDims })`
(He et al. 2015, CIFAR variant, option-A shortcuts) and writes two files:

1. `resnet20-torch-crosscheck.safetensors`: ResNet-20 (n = 3, F = 16, 3x32x32, 10 classes),
   random weights and batch-norm statistics, a batch of 4 inputs and labels, and what PyTorch
   computes for them in eval mode and after one training-mode forward/backward:
     weights/<torch name>        every parameter and running statistic before the step
     input, labels               the batch (labels as float32 class indices)
     eval/output, eval/logits    LogSoftMax output and the Linear output before it
     eval/loss, eval/grad_input  NLL loss (mean) and d loss / d input
     train/output, train/logits, train/loss, train/grad_input      same, in training mode
     train/grad/<torch name>     d loss / d every parameter (training mode)
     train/running/<torch name>  running_mean / running_var after the training-mode forward
   Everything is computed in float64 from float32-representable weights and inputs, then
   stored as float32, so the fixture holds the exact answer rounded once: funt's float32
   error is measured against the truth, not against PyTorch's own float32 rounding.

2. `resnet8-torch-state.safetensors`: a small net (n = 1, F = 4, 1x32x32, 10 classes, one
   hidden layer of 16) saved exactly as PyTorch users save weights: the model's state_dict,
   float32, with each batch norm's int64 `num_batches_tracked`, and __metadata__
   {"format": "pt"}. `resnet8-torch-expected.safetensors` holds an input batch and the
   eval-mode output, so `importTorchSafetensors` is tested end to end.

The PyTorch module names, and the funt stateDict names they map to, are documented in
apps/resnet/src/interop/README.md and implemented in apps/resnet/src/interop/torch-names.ts.

No dependency beyond torch and numpy: the safetensors writer below follows the published
format (8-byte little-endian header length, JSON header, raw little-endian data).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The network and the safetensors writer are the ones `funt-resnet export --format torch` ships.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python'))
from funt_resnet import BasicBlock, OptionAShortcut, ResNet, write_safetensors  # noqa: E402,F401


# --------------------------------------------------------------------------------------------
# Random weights and batch-norm statistics

def randomise(model, gen):
    """He-normal conv weights, PyTorch-default Linear weights, and batch-norm affine
    parameters and running statistics drawn away from their 1/0 defaults, so that every
    term of the computation is exercised (a gamma of 1 or a mean of 0 hides mistakes)."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
            m.weight.data = torch.randn(m.weight.shape, generator=gen) * (2.0 / fan_in) ** 0.5
        elif isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 0.5 + torch.rand(c, generator=gen)
            m.bias.data = 0.2 * torch.randn(c, generator=gen)
            m.running_mean.data = 0.1 * torch.randn(c, generator=gen)
            m.running_var.data = 0.5 + torch.rand(c, generator=gen)
        elif isinstance(m, nn.Linear):
            bound = 1.0 / m.in_features ** 0.5
            m.weight.data = (torch.rand(m.weight.shape, generator=gen) * 2 - 1) * bound
            m.bias.data = (torch.rand(m.bias.shape, generator=gen) * 2 - 1) * bound


def calibrate(model, gen, batch, input_shape):
    """Sets every running statistic to the statistics of one random batch (momentum 1 for a
    single training-mode pass), so that eval mode sees activations of a sane scale: with the
    random statistics alone the 20 layers compound into saturated log-probabilities."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.momentum = 1.0
    model.train()
    with torch.no_grad():
        model(torch.randn((batch, *input_shape), generator=gen, dtype=next(model.parameters()).dtype))
    for m in bns:
        m.momentum = 0.1
        m.num_batches_tracked.zero_()


def round_to_float32(model):
    """Makes every float value exactly representable in float32 (then computes in float64)."""
    for t in list(model.parameters()) + list(model.buffers()):
        if t.is_floating_point():
            t.data = t.data.float().double()


# --------------------------------------------------------------------------------------------
# Fixtures

def f32(t):
    return t.detach().cpu().to(torch.float32).numpy()


def crosscheck_fixture(path, seed, batch):
    config = dict(n=3, filters=16, inputShape=[3, 32, 32], classes=10, hiddenDims=[])
    gen = torch.Generator().manual_seed(seed)
    model = ResNet(config['n'], config['filters'], config['inputShape'], config['classes'])
    randomise(model, gen)
    model.double()
    calibrate(model, gen, 8, config['inputShape'])
    round_to_float32(model)

    x = torch.randn((batch, *config['inputShape']), generator=gen).float().double()
    labels = torch.randint(0, config['classes'], (batch,), generator=gen)
    tensors = {}
    for name, t in model.state_dict().items():
        if t.is_floating_point():
            tensors[f'weights/{name}'] = f32(t)
    tensors['input'] = f32(x)
    tensors['labels'] = labels.numpy().astype(np.float32)

    def step(mode):
        model.train(mode == 'train')
        model.zero_grad(set_to_none=True)
        xi = x.clone().requires_grad_(True)
        output = model(xi)
        loss = F.nll_loss(output, labels)
        loss.backward()
        tensors[f'{mode}/output'] = f32(output)
        tensors[f'{mode}/logits'] = f32(model.last_logits)
        tensors[f'{mode}/loss'] = f32(loss.reshape(1))
        tensors[f'{mode}/grad_input'] = f32(xi.grad)
        return loss.item()

    eval_loss = step('eval')  # first: uses the initial running statistics, changes nothing
    train_loss = step('train')  # updates the running statistics (momentum 0.1, unbiased var)
    for name, p in model.named_parameters():
        tensors[f'train/grad/{name}'] = f32(p.grad)
    for name, t in model.state_dict().items():
        if name.endswith('running_mean') or name.endswith('running_var'):
            tensors[f'train/running/{name}'] = f32(t)

    metadata = {
        'config': json.dumps(config),
        'batch': str(batch),
        'seed': str(seed),
        'torch': torch.__version__,
        'batchNorm': json.dumps({'momentum': 0.1, 'eps': 1e-5, 'runningVar': 'unbiased'}),
        'loss': 'nll_loss(log_softmax(logits), labels), mean over the batch',
        'precision': 'computed in float64 from float32-exact weights and inputs; stored as float32',
    }
    size = write_safetensors(path, tensors, metadata)
    print(f'{path}: {size} bytes, {len(tensors)} tensors, eval loss {eval_loss:.6f}, train loss {train_loss:.6f}')


def import_fixture(state_path, expected_path, seed, batch):
    config = dict(n=1, filters=4, inputShape=[1, 32, 32], classes=10, hiddenDims=[16])
    gen = torch.Generator().manual_seed(seed)
    model = ResNet(config['n'], config['filters'], config['inputShape'], config['classes'], config['hiddenDims'])
    randomise(model, gen)
    calibrate(model, gen, 8, config['inputShape'])
    model.float()
    # A few training-mode steps, as a trained model would have: num_batches_tracked > 0.
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn((batch, *config['inputShape']), generator=gen))
    model.eval()
    state = {name: t.detach().numpy() for name, t in model.state_dict().items()}
    size = write_safetensors(state_path, state, {'format': 'pt'})
    print(f'{state_path}: {size} bytes, {len(state)} tensors (PyTorch state_dict, float32 + int64 counters)')

    x = torch.randn((batch, *config['inputShape']), generator=gen)
    with torch.no_grad():
        output = model.double()(x.double())
    expected = {'input': f32(x), 'eval/output': f32(output)}
    size = write_safetensors(expected_path, expected, {'config': json.dumps(config), 'torch': torch.__version__})
    print(f'{expected_path}: {size} bytes')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, '..', '..', 'test-fixtures'))
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=default_out, help='output folder (default: apps/resnet/test-fixtures)')
    parser.add_argument('--seed', type=int, default=20151210, help='seed of the torch generator')
    parser.add_argument('--batch', type=int, default=4, help='cross-check batch size (4-8 keeps the file < 3 MB)')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    crosscheck_fixture(os.path.join(args.out, 'resnet20-torch-crosscheck.safetensors'), args.seed, args.batch)
    import_fixture(os.path.join(args.out, 'resnet8-torch-state.safetensors'),
                   os.path.join(args.out, 'resnet8-torch-expected.safetensors'), args.seed + 1, 2)


if __name__ == '__main__':
    main()
