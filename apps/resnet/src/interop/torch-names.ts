/**
 * The name mapping between a PyTorch ResNet's state_dict (the module layout of
 * scripts/pytorch/resnet_fixture.py, which is also torchvision's and most CIFAR ResNet code's)
 * and funt's `resnet()` stateDict.
 *
 * PyTorch names modules by attribute (`layer2.0.bn1.running_var`); funt names them by position
 * in the container tree (`6.0.0.1.running_var`). Both networks hold the same weighted modules
 * in the same order (stem conv and BN, then each block's conv1, bn1, conv2, bn2, then the
 * hidden Linear layers and the classifier), and name the tensors of a module alike (weight,
 * bias, running_mean, running_var). So the mapping pairs the k-th weighted module of one with
 * the k-th of the other, and checks each pair's kind and every tensor's shape: a network of a
 * different structure fails loudly instead of loading weights into the wrong places.
 * README.md in this folder lists the pairs for ResNet-20.
 */
import { Linear, type Module, SpatialBatchNormalization, SpatialConvolution } from '@funt/layers';
import type { Tensor } from '@funt/tensor';
import type { ResnetOptions } from '../model/resnet.js';

type BlockLayout = Pick<ResnetOptions, 'n' | 'hiddenDims'>;

type Kind = 'conv' | 'bn' | 'linear';

/** The tensors each kind of module holds, in PyTorch's and funt's (identical) names. */
const TENSORS: Record<Kind, readonly string[]> = {
  conv: ['weight', 'bias'],
  bn: ['weight', 'bias', 'running_mean', 'running_var'],
  linear: ['weight', 'bias'],
};

/** PyTorch's int64 batch counter: no funt counterpart (funt's momentum is fixed, as Torch7's). */
export const TORCH_BATCH_COUNTER = 'num_batches_tracked';

/** The PyTorch module names with parameters, in definition (= state_dict) order. */
function torchModuleNames(arch: BlockLayout): [string, Kind][] {
  const names: [string, Kind][] = [
    ['conv1', 'conv'],
    ['bn1', 'bn'],
  ];
  for (let stage = 1; stage <= 3; stage++) {
    for (let b = 0; b < arch.n; b++) {
      const block = `layer${stage}.${b}`;
      names.push(
        [`${block}.conv1`, 'conv'],
        [`${block}.bn1`, 'bn'],
        [`${block}.conv2`, 'conv'],
        [`${block}.bn2`, 'bn'],
      );
    }
  }
  // nn.Sequential(Linear, ReLU, Linear, ReLU, ...): the Linear layers sit at even indices.
  arch.hiddenDims.forEach((_, k) => names.push([`hidden.${2 * k}`, 'linear']));
  names.push(['fc', 'linear']);
  return names;
}

function kindOf(m: Module): Kind | null {
  if (m instanceof SpatialConvolution) return 'conv';
  if (m instanceof SpatialBatchNormalization) return 'bn';
  if (m instanceof Linear) return 'linear';
  return null;
}

interface NamePair {
  torch: string;
  funt: string;
}

/**
 * Pairs every tensor of funt's `model` (built by `resnet(arch)`) with its PyTorch name. Throws
 * when the two module lists differ in length or kind (a model not built by resnet()).
 */
export function torchToFuntNames(model: Module, arch: BlockLayout): NamePair[] {
  const torch = torchModuleNames(arch);
  const funt = model.namedModules().filter(([, m]) => kindOf(m) !== null);
  if (funt.length !== torch.length) {
    throw new Error(
      `torch mapping: the funt model has ${funt.length} weighted modules, a PyTorch ResNet with n = ${arch.n} and ${arch.hiddenDims.length} hidden layers has ${torch.length}`,
    );
  }
  const own = model.stateDict();
  const pairs: NamePair[] = [];
  funt.forEach(([path, m], i) => {
    const [torchName, kind] = torch[i];
    if (kindOf(m) !== kind) {
      throw new Error(
        `torch mapping: funt module '${path}' is a ${m.typeName} but PyTorch's '${torchName}' is a ${kind}`,
      );
    }
    for (const tensor of TENSORS[kind]) {
      const funtName = path === '' ? tensor : `${path}.${tensor}`;
      if (funtName in own) pairs.push({ torch: `${torchName}.${tensor}`, funt: funtName });
    }
  });
  return pairs;
}

/**
 * Renames a PyTorch state_dict to funt's names. Every funt tensor must be present with its
 * shape; a PyTorch tensor that maps to nothing (other than the batch counters) is an error,
 * since it means the two networks differ. The returned tensors are the given ones (not copies).
 */
export function torchStateToFunt(
  model: Module,
  arch: BlockLayout,
  torchState: Record<string, Tensor>,
): Record<string, Tensor> {
  const pairs = torchToFuntNames(model, arch);
  const own = model.stateDict();
  const out: Record<string, Tensor> = {};
  const problems: string[] = [];
  for (const { torch, funt } of pairs) {
    const t = torchState[torch];
    if (t === undefined) {
      problems.push(`missing '${torch}' (funt '${funt}')`);
      continue;
    }
    const want = own[funt].shape;
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      problems.push(`'${torch}' has shape [${t.shape.join(', ')}] where funt '${funt}' needs [${want.join(', ')}]`);
      continue;
    }
    out[funt] = t;
  }
  const mapped = new Set(pairs.map((p) => p.torch));
  const unexpected = Object.keys(torchState).filter((k) => !mapped.has(k) && !k.endsWith(`.${TORCH_BATCH_COUNTER}`));
  if (unexpected.length > 0) problems.push(`unexpected ${unexpected.map((k) => `'${k}'`).join(', ')}`);
  if (problems.length > 0) throw new Error(`torch weights do not fit this ResNet: ${problems.join('; ')}`);
  return out;
}
