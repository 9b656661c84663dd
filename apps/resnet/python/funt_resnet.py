"""funt's ResNet in PyTorch: the network `funt-resnet export --format torch` writes weights for.

Standalone (torch and numpy only; no safetensors package needed). `funt-resnet export --format
torch` copies this file beside the weights it writes, so a PyTorch user continues from there:

    import funt_resnet
    model, info = funt_resnet.load('best-model.torch.safetensors')   # eval mode, funt's weights
    # ... train with PyTorch (GPUs, DDP) ...
    funt_resnet.save(model, 'finetuned.safetensors', info)           # back: funt-resnet import

The network is He et al. 2015's CIFAR ResNet with option-A shortcuts, identical to funt's
`resnet({ n, filters, inputShape, classes, hiddenDims })`; its module names are PyTorch's
usual ones (conv1, bn1, layer1.0.conv1, ..., fc). The model expects standardised images:
input = (pixels * scale - mean) / std, with scale, mean and std in `info['preprocess']`.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class OptionAShortcut(nn.Module):
    """Identity, or for a block that changes size: 2x2 average pooling with stride 2, then
    zero channels appended after the existing ones (He et al.'s parameter-free option A)."""

    def __init__(self, in_planes, out_planes, stride):
        super().__init__()
        self.in_planes, self.out_planes, self.stride = in_planes, out_planes, stride

    def forward(self, x):
        if self.stride != 1:
            x = F.avg_pool2d(x, kernel_size=2, stride=2)
        extra = self.out_planes - self.in_planes
        if extra > 0:
            # F.pad lists the last dimension first: (W left, W right, H top, H bottom, C front, C back).
            x = F.pad(x, (0, 0, 0, 0, 0, extra))
        return x


class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut (unless skip is False: the plain
    network of He et al.'s comparison), then ReLU."""

    def __init__(self, in_planes, planes, stride, skip=True):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = OptionAShortcut(in_planes, planes, stride) if skip else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out if self.shortcut is None else out + self.shortcut(x))


class ResNet(nn.Module):
    """6n+2 layers: conv-BN-ReLU, three stages of n blocks (F, 2F, 4F filters; the first block
    of stages 2 and 3 has stride 2), global average pooling, hidden Linear+ReLU layers,
    Linear to the classes, LogSoftMax."""

    def __init__(self, n, filters, input_shape, classes, hidden_dims=(), skip=True):
        super().__init__()
        channels, height, width = input_shape
        self.conv1 = nn.Conv2d(channels, filters, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(filters)
        stages = []
        in_planes = filters
        for s, planes in enumerate([filters, 2 * filters, 4 * filters]):
            blocks = []
            for b in range(n):
                stride = 2 if (s > 0 and b == 0) else 1
                blocks.append(BasicBlock(in_planes, planes, stride, skip))
                in_planes = planes
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.pool_size = (height // 4, width // 4)
        hidden = []
        features = in_planes
        for h in hidden_dims:
            hidden += [nn.Linear(features, h), nn.ReLU()]
            features = h
        self.hidden = nn.Sequential(*hidden)
        self.fc = nn.Linear(features, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, self.pool_size)
        out = self.hidden(torch.flatten(out, 1))
        self.last_logits = self.fc(out)
        return F.log_softmax(self.last_logits, dim=1)


# safetensors (the published format: 8-byte little-endian header length, JSON header, raw data)

DTYPES = {np.dtype('<f4'): 'F32', np.dtype('<f8'): 'F64', np.dtype('<i8'): 'I64'}


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    chunks = []
    offset = 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        array = array.astype(array.dtype.newbyteorder('<'), copy=False)
        raw = array.tobytes()
        header[name] = {'dtype': DTYPES[array.dtype], 'shape': list(array.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-(8 + len(text)) % 8)  # the data section starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
    return os.path.getsize(path)


NUMPY = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8'}


def read_safetensors(path):
    """The tensors (numpy arrays) and the metadata of a safetensors file."""
    with open(path, 'rb') as f:
        raw = f.read()
    (length,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + length].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    data = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        start, end = entry['data_offsets']
        tensors[name] = np.frombuffer(data[start:end], dtype=NUMPY[entry['dtype']]).reshape(entry['shape'])
    return tensors, metadata


def load(path):
    """The ResNet a funt export describes, with its weights, in eval mode; and the export's
    information: {'architecture': ..., 'preprocess': ..., 'classNames': ...}."""
    tensors, metadata = read_safetensors(path)
    if 'funt.resnet' not in metadata:
        raise ValueError(f'{path}: no funt.resnet metadata (not written by funt-resnet export --format torch)')
    described = json.loads(metadata['funt.resnet'])
    arch = described['architecture']
    model = ResNet(arch['n'], arch['filters'], arch['inputShape'], arch['classes'], arch.get('hiddenDims', []),
                   arch.get('skip', True))
    state = {k: torch.from_numpy(np.array(v)) for k, v in tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith('num_batches_tracked')]
    if missing or unexpected:
        raise ValueError(f'{path}: weights do not fit the network (missing {missing}, unexpected {unexpected})')
    model.eval()
    info = dict(described)
    info['preprocess'] = json.loads(metadata.get('funt.preprocess', 'null'))
    return model, info


def save(model, path, info=None):
    """Writes the model's state_dict as PyTorch users save it (float32, int64 batch counters,
    format 'pt'), with the funt information of `load` when given, so `funt-resnet import` reads it."""
    metadata = {'format': 'pt'}
    if info is not None:
        metadata['funt.resnet'] = json.dumps({k: v for k, v in info.items() if k != 'preprocess'})
        if info.get('preprocess') is not None:
            metadata['funt.preprocess'] = json.dumps(info['preprocess'])
    state = {}
    for name, t in model.state_dict().items():
        t = t.detach().cpu()
        state[name] = t.numpy() if t.dtype == torch.int64 else t.to(torch.float32).numpy()
    return write_safetensors(path, state, metadata)
