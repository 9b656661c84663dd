/**
 * One inference configuration on onnxruntime-node, measured in this process (run.ts starts one
 * process per configuration, so the peak RSS is the runtime's alone: funt is not loaded here):
 *
 *   node bench/dist/bench/ort-step.js --onnx resnet-20.onnx --n 3 --mode infer --threads 2 [--batch 128 --warmup 2 --steps 5]
 *
 * Prints one Measurement as JSON on the last line of stdout (onnxruntime.ts measures).
 */
import { parseConfigArgs } from './config.js';
import { measureOrt } from './onnxruntime.js';

/** `--onnx <file>` out of the arguments, the rest for parseConfigArgs. */
function splitOnnxFlag(argv: string[]): { onnx: string; rest: string[] } {
  const i = argv.indexOf('--onnx');
  const onnx = i >= 0 ? argv[i + 1] : undefined;
  if (onnx === undefined || onnx.startsWith('--')) throw new RangeError('--onnx <file> is required');
  return { onnx, rest: [...argv.slice(0, i), ...argv.slice(i + 2)] };
}

try {
  const { onnx, rest } = splitOnnxFlag(process.argv.slice(2));
  console.log(JSON.stringify(await measureOrt(onnx, parseConfigArgs(rest))));
} catch (err) {
  console.error(`ort-step: ${(err as Error).message}`);
  process.exitCode = 1;
}
