/**
 * The record both sides of the end-to-end benchmark print (bench/tta-funt.ts and
 * bench/pytorch_tta.py) as the last line of their stdout, and its checked parser.
 */
import { lastJsonLine, RecordCheck } from './child-record.js';

/** One run's configuration: the flags both children take. */
export interface TtaConfig {
  /** The folder of IDX files (mnist60k.ts). */
  data: string;
  epochs: number;
  threads: number;
  seed: number;
  /** The first `validation` held-out digits are the per-epoch check, the rest the test set. */
  validation: number;
}

/** The flags of a TtaConfig, as both children read them. */
export function ttaFlags(c: TtaConfig): string[] {
  return [
    '--data',
    c.data,
    '--epochs',
    String(c.epochs),
    '--threads',
    String(c.threads),
    '--seed',
    String(c.seed),
    '--validation',
    String(c.validation),
  ];
}

export interface TtaRecord {
  impl: 'funt' | 'pytorch';
  /** funt's backend ('wasm'), or the PyTorch version. */
  backend: string;
  epochs: number;
  threads: number;
  trainImages: number;
  /** From reading the files to the evaluated, saved model (the process's start-up and imports left out). */
  trainSeconds: number;
  /** Each epoch's wall-clock seconds, its per-epoch accuracy checks included. */
  epochSeconds: number[];
  /** Validation accuracy (0–1) after each epoch. */
  valAccuracy: number[];
  /** 1-based epoch whose parameters were kept (the best validation accuracy). */
  bestEpoch: number;
  /** Accuracy (0–1) of the kept parameters on the test set. */
  testAccuracy: number;
  testImages: number;
  peakRssBytes: number;
}

/** The record on the last line of a child's stdout, checked field by field; `source` names the child. */
export function parseTtaRecord(stdout: string, source: string): TtaRecord {
  const check = new RecordCheck(lastJsonLine(stdout, source), source)
    .oneOf('impl', ['funt', 'pytorch'])
    .strings('backend')
    .positives('epochs', 'threads', 'trainImages', 'trainSeconds', 'bestEpoch', 'testImages', 'peakRssBytes');
  const v = check.fields;
  if (typeof v.testAccuracy !== 'number' || !(v.testAccuracy >= 0 && v.testAccuracy <= 1))
    check.fail('testAccuracy', 'a number in [0, 1]');
  const epochs = v.epochs as number;
  for (const f of ['epochSeconds', 'valAccuracy'])
    check.numberList(f, { length: epochs, nonNegative: true, what: ' (one per epoch)' });
  return v as unknown as TtaRecord;
}
