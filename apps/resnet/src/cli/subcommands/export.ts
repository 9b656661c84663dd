import { Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportCommandOptions } from '../../commands/export.js';
import { act } from '../action.js';
import { positiveInt } from '../parse.js';

/** `funt-resnet export --model <run|file>`. */
export function exportSubcommand(run: (o: ExportCommandOptions) => Promise<void>): Command {
  const cmd = new Command('export')
    .description('write a saved model as ONNX, for onnxruntime, TensorRT, OpenVINO or an inference server')
    .requiredOption('--model <path>', 'run folder (uses its best model) or a saved .safetensors model')
    .addOption(new Option('--format <name>', 'output format').choices(EXPORT_FORMATS).default('onnx'))
    .option('--out <file>', 'output file (default: the model file with .onnx, beside it)')
    .option('--batch-size <k>', 'a fixed batch size (default: any batch size)', positiveInt)
    .option(
      '--fold-batch-norms',
      'fold each batch norm into the convolution before it (one Conv with folded weights and bias, as funt infers)',
    );
  return act(cmd, (o: ExportCommandOptions) => run(o));
}
