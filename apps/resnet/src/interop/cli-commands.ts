/**
 * The `export` and `import` subcommands' flags, registered on the program by
 * cli/program.ts (`addInteropCommands`); the work is done by ./commands.ts.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DATASETS } from '../cli/options.js';
import { type Action, positiveInt, positiveNumber } from '../cli/parse.js';
import { EXPORT_FORMATS, type ExportCommandOptions, type ImportCommandOptions } from './commands.js';

export interface InteropHandlers {
  exportModel(o: ExportCommandOptions): Promise<void>;
  importTorch(weights: string, o: Omit<ImportCommandOptions, 'weights'>): Promise<void>;
}

/** "0.49,0.48,0.45" → numbers. */
export function numberList(text: string): number[] {
  const values = text.split(',').map(Number);
  if (text.trim() === '' || values.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError(`expected numbers separated by commas, got '${text}'`);
  }
  return values;
}

/** "32,32" or "32x32" → [height, width]. */
export function imageSize(text: string): [number, number] {
  const parts = text.split(/[x,]/);
  if (parts.length !== 2) throw new InvalidArgumentError(`expected height,width (e.g. 32,32), got '${text}'`);
  return [positiveInt(parts[0]), positiveInt(parts[1])];
}

function nameList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) throw new InvalidArgumentError(`expected names separated by commas, got '${text}'`);
  return names;
}

/**
 * Adds `export` and `import` to the program. `configure` and `act` are the program's own
 * (one-line errors with usage, exit 2 for UsageError), so these commands behave like the rest.
 */
export function addInteropCommands(
  program: Command,
  configure: (cmd: Command) => Command,
  act: (cmd: Command, fn: Action) => Command,
  handlers: InteropHandlers,
): void {
  const exportCmd = configure(
    program
      .command('export')
      .description('write a saved model as ONNX, for onnxruntime, TensorRT, OpenVINO or an inference server'),
  );
  exportCmd
    .requiredOption('--model <path>', 'run folder (uses its best model) or a saved .safetensors model')
    .addOption(new Option('--format <name>', 'output format').choices(EXPORT_FORMATS).default('onnx'))
    .option('--out <file>', 'output file (default: the model file with .onnx, beside it)')
    .option('--batch-size <k>', 'a fixed batch size (default: any batch size)', positiveInt);
  act(exportCmd, (o: ExportCommandOptions) => handlers.exportModel(o));

  const importCmd = configure(
    program
      .command('import')
      .description(
        'turn a PyTorch ResNet (state_dict saved as safetensors) into a funt model for eval, saliency, fool and fine-tuning',
      )
      .argument('<weights>', 'the PyTorch weights (.safetensors)'),
  );
  importCmd
    .requiredOption('--out <file>', 'the funt model file to write (.safetensors)')
    .addOption(
      new Option('--dataset <name>', 'data set the model is for (eval, saliency and fool use it by default)').choices(
        DATASETS,
      ),
    )
    .option('--input-size <h,w>', 'input height and width (not recorded in the weights)', imageSize, [32, 32] as [
      number,
      number,
    ])
    .option('--no-skip', 'the network was trained without shortcuts (the plain net)')
    .option(
      '--scale <x>',
      "pixel scale of PyTorch's preprocessing: input = (pixels·scale − mean) / std",
      positiveNumber,
      1 / 255,
    )
    .option('--mean <values>', 'mean per channel (or one for all), after scaling', numberList)
    .option('--std <values>', 'std per channel (or one for all), after scaling', numberList)
    .option('--class-names <names>', 'comma-separated class names (default: 0, 1, ...)', nameList);
  act(importCmd, (weights: string, o: Omit<ImportCommandOptions, 'weights'>) => handlers.importTorch(weights, o));
}
