// Test child: writes checkpoints in a loop until killed. Checkpoint k holds tensors filled with
// k and metadata iteration k, so a reader can tell a torn file from a whole one.
import { fromTypedArray } from '@funt/tensor';
import '../../dist/index.js'; // installs the Node platform, through which the file is written
import { writeCheckpointFile } from '../../dist/train/checkpoint-file.js';

const [path, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
for (let k = 1; ; k++) {
  const a = fromTypedArray(new Float32Array(size).fill(k), [size]);
  const b = fromTypedArray(new Float32Array(7).fill(-k), [7]);
  writeCheckpointFile(path, {
    state: { version: 1, iteration: k },
    model: { a },
    optimizer: { '0/momentum': b },
    best: null,
  });
  a.dispose();
  b.dispose();
  process.stdout.write(`wrote ${k}\n`);
}
