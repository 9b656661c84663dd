#!/usr/bin/python3
"""The PyTorch side of funt's ResNet benchmark (apps/resnet/bench/run.ts).

Measures the same network as funt's `resnet({ n, filters: 16, inputShape: [3, 32, 32],
classes: 10 })` - conv3x3 (no bias) + BN + ReLU, three stages of n residual blocks, option-A
shortcuts (2x2 average pooling with stride 2 + zero channels), global average pooling, Linear,
LogSoftmax + NLL loss - at the same batch size, in the same two ways:

  train  one full training step: forward, loss, backward, SGD (Nesterov momentum 0.9, weight
         decay 1e-4) update, as funt's Solver does it
  infer  one forward pass in evaluation mode (running batch-norm statistics, no autograd)

One configuration per process, so that the peak resident memory (getrusage's ru_maxrss) is
that configuration's alone:

    /usr/bin/python3 apps/resnet/bench/pytorch_resnet.py --n 3 --mode train --threads 2

prints one JSON object on the last line of stdout (what bench/pytorch.ts parses):

    {"impl": "pytorch", "backend": "torch 1.13.0a0", "model": "ResNet-20", "n": 3, "mode": "train",
     "threads": 2, "threadsApplied": true, "batch": 128, "seconds": [...], "cpuSeconds": [...], "median": 0.25,
     "imagesPerSecond": 512.0, "peakRssBytes": 312000000}

`--paired --threads 2 --rounds 6 --steps 2` measures the speed-up of 2 threads over 1 in one
process instead (bench/scaling.ts says why), switching torch.set_num_threads between blocks of
steps, and prints {"impl": "pytorch", ..., "secondsOne": [...], "secondsMany": [...], "speedUp": 1.8}.

`--all` runs every configuration (ResNet-20 and -56, train and infer, 1 thread and all
threads), each in a fresh child process, and prints a JSON list of those objects.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

# The model definition is shared with the interop helper's cross-check fixtures, so the two
# PyTorch scripts cannot drift apart.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts', 'pytorch'))
from resnet_fixture import ResNet  # noqa: E402

FILTERS = 16
INPUT_SHAPE = (3, 32, 32)
CLASSES = 10


def identity(n, mode, threads, batch):
    """The fields every record starts with (bench/measurement.ts's RunIdentity)."""
    return {
        'impl': 'pytorch',
        'backend': f'torch {torch.__version__}',
        'model': f'ResNet-{6 * n + 2}',
        'n': n,
        'mode': mode,
        'threads': threads,
        'batch': batch,
    }


def make_step(n, mode, batch, seed=0):
    """A training step or an inference pass of a fresh, seeded ResNet on one random batch."""
    torch.manual_seed(seed)
    model = ResNet(n, FILTERS, INPUT_SHAPE, CLASSES)
    x = torch.randn((batch, *INPUT_SHAPE))
    y = torch.randint(0, CLASSES, (batch,))
    if mode == 'train':
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)

        def step():
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y)
            loss.backward()
            optimizer.step()
        return step
    if mode == 'infer':
        model.eval()

        def step():
            with torch.no_grad():
                model(x)
        return step
    raise SystemExit(f'pytorch_resnet.py: --mode must be train or infer, got {mode!r}')


def measure(n, mode, threads, batch, warmup, steps, seed=0):
    torch.set_num_threads(threads)
    step = make_step(n, mode, batch, seed)
    for _ in range(warmup):
        step()
    seconds = []
    cpu_seconds = []  # all threads of the process, as funt's process.cpuUsage()
    for _ in range(steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
    med = statistics.median(seconds)
    return {
        **identity(n, mode, threads, batch),
        'threadsApplied': torch.get_num_threads() == threads,
        'seconds': seconds,
        'cpuSeconds': cpu_seconds,
        'median': med,
        'imagesPerSecond': batch / med,
        # Linux reports ru_maxrss in KiB.
        'peakRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def measure_paired(n, mode, threads, batch, rounds, steps):
    """The speed-up of `threads` over 1 in one process, as funt's bench/funt-scaling.ts measures it
    (bench/scaling.ts): `rounds` times a block at 1 thread and a block at `threads`, each one
    untimed step after torch.set_num_threads and `steps` timed ones."""
    step = make_step(n, mode, batch)
    one, many = [], []
    for _ in range(rounds):
        for count, into in ((1, one), (threads, many)):
            torch.set_num_threads(count)
            step()
            for _ in range(steps):
                t0 = time.perf_counter()
                step()
                into.append(time.perf_counter() - t0)
    return {
        **identity(n, mode, threads, batch),
        'rounds': rounds,
        'secondsOne': one,
        'secondsMany': many,
        'speedUp': statistics.median(one) / statistics.median(many),
    }


def run_all(args):
    """Every configuration in its own process (a fresh peak RSS each), as a JSON list."""
    results = []
    for n in (3, 9):
        for threads in sorted({1, os.cpu_count() or 1}):
            for mode in ('train', 'infer'):
                cmd = [sys.executable, os.path.abspath(__file__), '--n', str(n), '--mode', mode, '--threads', str(threads),
                       '--batch', str(args.batch), '--warmup', str(args.warmup), '--steps', str(args.steps)]
                out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
                results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {text}')
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=positive, default=3, help='residual blocks per stage (3: ResNet-20, 9: ResNet-56)')
    parser.add_argument('--mode', choices=['train', 'infer'], default='train')
    parser.add_argument('--threads', type=positive, default=1, help='torch.set_num_threads')
    parser.add_argument('--batch', type=positive, default=128)
    parser.add_argument('--warmup', type=int, default=2, help='untimed steps first')
    parser.add_argument('--steps', type=positive, default=5, help='timed steps (the median is reported)')
    parser.add_argument('--all', action='store_true', help='every configuration, each in a fresh process')
    parser.add_argument('--paired', action='store_true',
                        help='the speed-up of --threads over 1 thread, alternating blocks of --steps steps for --rounds rounds')
    parser.add_argument('--rounds', type=positive, default=6, help='with --paired: rounds of (1-thread block, many-thread block)')
    args = parser.parse_args()
    if args.paired:
        print(json.dumps(measure_paired(args.n, args.mode, args.threads, args.batch, args.rounds, args.steps)))
    elif args.all:
        print(json.dumps(run_all(args)))
    else:
        print(json.dumps(measure(args.n, args.mode, args.threads, args.batch, args.warmup, args.steps)))


if __name__ == '__main__':
    main()
