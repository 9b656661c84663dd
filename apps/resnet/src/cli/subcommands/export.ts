import { Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportCommandOptions } from '../../commands/export.js';
import { act } from '../action.js';
import { positiveInt } from '../parse.js';

/** `funt-resnet export --model <run|file>`. */
export function exportSubcommand(run: (o: ExportCommandOptions) => Promise<void>): Command {
  const cmd = new Command('export')
    .description(
      'write a saved model as ONNX (onnxruntime, TensorRT, OpenVINO, inference servers) or for PyTorch (--format torch: state_dict + funt_resnet.py)',
    )
    .requiredOption('--model <path>', 'run folder (uses its best model) or a saved .safetensors model')
    .addOption(
      new Option(
        '--format <name>',
        'onnx, or torch: PyTorch state_dict names (safetensors) and funt_resnet.py, a module that builds the network and loads them',
      )
        .choices(EXPORT_FORMATS)
        .default('onnx'),
    )
    .option('--out <file>', 'output file (default: the model file with .onnx or .torch.safetensors, beside it)')
    .option('--batch-size <k>', 'onnx: a fixed batch size (default: any batch size)', positiveInt)
    .option(
      '--fold-batch-norms',
      'onnx: fold each batch norm into the convolution before it (one Conv with folded weights and bias, as funt infers)',
    );
  return act(cmd, (o: ExportCommandOptions) => run(o));
}
