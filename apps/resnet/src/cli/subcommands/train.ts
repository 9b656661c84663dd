import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { NOISE_KINDS } from '../../data/augment.js';
import { hasDataCache } from '../../data/data-cache.js';
import { checkData } from '../../data/load.js';
import { UsageError } from '../../errors.js';
import { FREEZABLE_PARTS, type FreezablePart } from '../../training/init-from.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../training/recipes.js';
import { SCHEDULE_FORMS, scheduleToString } from '../../training/schedule.js';
import { UPDATE_RULES } from '../../training/update-rule.js';
import { act, checkFolder } from '../action.js';
import { dataFlags, progressFlag, runtimeFlags } from '../flag-groups.js';
import {
  intList,
  noise,
  nonNegativeInt,
  nonNegativeNumber,
  numberPair,
  oneOf,
  positiveInt,
  positiveNumber,
  schedule,
  unitInterval,
} from '../parse.js';

// The defaults are TRAIN_DEFAULTS, so that `train` without flags is what the commands build on.
const D = TRAIN_DEFAULTS;

/** "stem,stage1" → the parts to freeze. */
function partList(text: string): FreezablePart[] {
  return text.split(',').map((p) => oneOf(FREEZABLE_PARTS)(p.trim()));
}

/** The network's flags (`train`, `summary`): depth, width, shortcuts, hidden layers. */
export function modelFlags(cmd: Command): Command {
  return cmd
    .option('--n <n>', 'residual blocks per stage: 6n+2 weighted layers', positiveInt, D.n)
    .option('--filters <F>', 'filters of the first stage (then 2F, 4F)', positiveInt, D.filters)
    .option('--no-skip', 'drop the shortcuts: the plain network of the same depth')
    .addOption(
      new Option('--hidden <dims>', 'comma-separated widths of hidden affine layers before the classifier')
        .argParser(intList)
        .default(D.hidden, 'none'),
    );
}

function augmentFlags(cmd: Command): Command {
  return cmd
    .option('--flip', 'random horizontal flips (default: on for natural images, off for digits, signs and drivers)')
    .option('--no-flip', 'no horizontal flips')
    .option('--crop-pad <p>', 'random crops of the image padded by p pixels (0: none)', nonNegativeInt, D.cropPad)
    .option('--rotate <deg>', 'random rotations up to ±deg degrees', nonNegativeNumber, D.rotate)
    .option('--contrast <lo,hi>', 'random contrast scaling in [lo, hi], e.g. 0.8,1.2', numberPair)
    .option('--tint <amount>', 'random per-channel shift in ±amount (pixel units)', nonNegativeNumber)
    .option('--noise <kind[:amount]>', `noise: ${NOISE_KINDS.join(', ')}`, noise)
    .option('--elastic <alpha,sigma>', 'elastic distortion (MNIST), e.g. 34,4', numberPair)
    .option('--no-augment', 'turn every augmentation off');
}

function trainingFlags(cmd: Command): Command {
  return cmd
    .option('--epochs <k>', 'training epochs', positiveInt, D.epochs)
    .option('--batch-size <k>', 'mini-batch size', positiveInt, D.batchSize)
    .addOption(new Option('--update-rule <name>', 'update rule').choices(UPDATE_RULES).default(D.updateRule))
    .option('--lr <x>', 'base learning rate', positiveNumber, D.lr)
    .option('--momentum <x>', 'momentum (momentum, nesterov)', nonNegativeNumber, D.momentum)
    .option('--weight-decay <x>', 'L2 weight decay', nonNegativeNumber, D.weightDecay)
    .addOption(
      new Option(
        '--schedule <spec>',
        `learning-rate schedule: ${SCHEDULE_FORMS} (PyTorch's OneCycleLR over the run, --lr being its max_lr; it cycles the momentum of momentum, nesterov and adam between 0.95 and 0.85)`,
      )
        .argParser(schedule)
        .default(D.schedule, scheduleToString(D.schedule)),
    )
    .option(
      '--warmup <epochs>',
      'linear warm-up from 0.1× the rate over this many epochs (fractions allowed), in front of any schedule',
      nonNegativeNumber,
      D.warmup,
    )
    .option(
      '--patience <epochs>',
      'early stopping: stop after this many epochs without a better validation accuracy (default: off)',
      positiveInt,
    )
    .option(
      '--clip-grad-norm <x>',
      "clip the gradients' global 2-norm to x before every update, as PyTorch's clip_grad_norm_ (default: off)",
      positiveNumber,
    )
    .option(
      '--label-smoothing <e>',
      "train against (1 − e)·one-hot + e/classes, PyTorch's label_smoothing (0: off)",
      unitInterval,
      D.labelSmoothing,
    )
    .option('--seed <k>', 'seed of every random choice (init, shuffling, augmentation)', nonNegativeInt, D.seed);
}

/** `--data-cache`: a folder, or a path where one can be made. */
function checkDataCache(dir: string | undefined): void {
  if (dir === undefined) return;
  if (dir === '') throw new UsageError('--data-cache needs a folder');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--data-cache ${dir} is not a folder`);
}

/** `funt-resnet train`: every flag of the training recipe, checked before `run` starts. */
export function trainSubcommand(run: (o: TrainOptions) => Promise<void>): Command {
  const cmd = new Command('train').description(
    'train a ResNet; writes a run folder with histories, checkpoints, the best model and a report',
  );
  dataFlags(cmd, D.dataset)
    .addOption(
      new Option(
        '--split <how>',
        "SFDDD: 'driver' (separate training, validation and test drivers) or 'random', the seed's split, with every driver in training and test: optimistic (default: driver)",
      ).choices(['driver', 'random']),
    )
    .option(
      '--data-cache <dir>',
      "train from the decoded image cache in <dir>, written there first from --dataset when <dir> holds none: the training images stay on disk (memory flat in the data set's size) and a worker thread reads each batch while the previous one trains",
    );
  modelFlags(cmd);
  augmentFlags(cmd);
  trainingFlags(cmd);
  runtimeFlags(cmd)
    .option('--out <dir>', 'run folder (default: runs/<dataset>-<model>-<time>)')
    .option('--checkpoint-every <k>', 'save a checkpoint every k epochs (0: never)', nonNegativeInt, D.checkpointEvery)
    .option('--resume', 'continue the run in --out from its checkpoint (same flags; --epochs may be larger)', D.resume)
    .option('--overwrite', 'replace the run a non-empty --out holds (default: refuse it)')
    .option(
      '--allow-changes',
      'with --resume: continue with a changed learning rate, momentum, weight decay or augmentation',
    )
    .option(
      '--saliency-count <k>',
      'validation images shown with saliency maps in the report',
      nonNegativeInt,
      D.saliencyCount,
    )
    .option(
      '--init-from <model>',
      'start from the weights of a run folder (its best model), a saved model or an imported PyTorch model (funt-resnet import); the classifier is replaced when the class count differs',
    )
    .option(
      '--freeze <parts>',
      `with --init-from: parts whose parameters are not trained, comma-separated: ${FREEZABLE_PARTS.join(', ')}`,
      partList,
    )
    .option('--no-fooling', 'skip the fooling images in the report')
    .option('--no-report', 'do not build the HTML report');
  progressFlag(cmd);
  return act(cmd, async ({ split, ...options }: TrainOptions & { split?: 'driver' | 'random' }) => {
    const o: TrainOptions = split === undefined ? options : { ...options, splitBy: split };
    if (split !== undefined && o.dataset !== 'sfddd') throw new UsageError('--split is for --dataset sfddd');
    checkDataCache(o.dataCache);
    // A built cache is read instead of the data set: its folder need not be there any more.
    if (!(o.dataCache && hasDataCache(o.dataCache))) checkData(o);
    if (o.resume && !o.out) throw new UsageError('--resume needs --out <dir> (the run folder to continue)');
    if (o.resume) checkFolder('--out', o.out!);
    if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite exclude each other');
    if (o.allowChanges && !o.resume) throw new UsageError('--allow-changes needs --resume');
    if (o.initFrom) checkFolder('--init-from', o.initFrom);
    if (o.initFrom && o.resume)
      throw new UsageError('--init-from starts a new run; --resume continues one: give one of them');
    if (o.freeze && !o.initFrom)
      throw new UsageError('--freeze needs --init-from <model> (freezing fresh weights trains nothing useful)');
    await run(o);
  });
}
