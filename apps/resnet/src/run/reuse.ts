import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { RUN_FILES } from './run-folder.js';
import { LOCK_FILE } from './run-lock.js';

/** How `train` may use a run folder that already holds files. */
export interface ReuseOptions {
  /** Continue the run the folder holds. */
  resume: boolean;
  /** Replace the run the folder holds (its run files are deleted first). */
  overwrite: boolean;
}

/** What a run folder holds besides the run's own files: kept by --overwrite. */
const RUN_ENTRIES = new Set<string>([
  RUN_FILES.config,
  RUN_FILES.history,
  RUN_FILES.checkpoint,
  RUN_FILES.bestModel,
  RUN_FILES.results,
  RUN_FILES.figures,
  'report',
  'loss_history.csv',
  'train_acc_history.csv',
  'val_acc_history.csv',
]);

/** A temp file of an atomic write (`.<name>.<pid>.<n>.tmp`), left behind when a write was killed. */
const TEMP_FILE = /^\..+\.\d+\.\d+\.tmp$/;

/**
 * Makes a locked run folder ready for `train`, before anything is written into it: removes the
 * temp files of writes an earlier process did not finish; refuses a folder holding anything
 * unless `resume` (continue it) or `overwrite` (whose run files are then deleted).
 */
export function prepareRunFolder(dir: string, o: ReuseOptions): void {
  for (const name of readdirSync(dir)) if (TEMP_FILE.test(name)) rmSync(join(dir, name), { force: true });
  const held = readdirSync(dir).filter((name) => name !== LOCK_FILE && !isEmptyFolder(join(dir, name)));
  if (held.length === 0 || o.resume) return;
  if (!o.overwrite) {
    const shown = held.slice(0, 3).join(', ') + (held.length > 3 ? ', …' : '');
    throw new UsageError(
      `--out ${dir} is not empty (${shown}): add --resume to continue its run, or --overwrite to replace it`,
    );
  }
  for (const name of held) if (RUN_ENTRIES.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

function isEmptyFolder(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

/** One setting that differs between a run folder's config.json and a resume's flags. */
export interface ConfigChange {
  /** The setting's path in config.json, e.g. 'training.solverRule.config.learningRate'. */
  key: string;
  was: unknown;
  now: unknown;
}

/**
 * Settings a resume may change only when asked (--allow-changes): the update rule's numbers
 * (learning rate, momentum, weight decay), gradient clipping, label smoothing and the
 * augmentation. Every other difference in `model`, `data` and `training` makes the checkpoint
 * meaningless or would be ignored, and is refused; the epochs, the patience, the checkpoint
 * interval and where the data set lies may always change. A setting the run folder's
 * config.json does not record (written by an older version) is not compared.
 */
const CHANGEABLE = [
  /^training\.solverRule\.config\./,
  /^training\.(clipGradNorm|labelSmoothing)$/,
  /^augmentation(\.|$)/,
];
const FREE = new Set([
  'training.epochs',
  'training.patience',
  'training.checkpointEvery',
  'data.dataDir',
  'data.description',
]);
const COMPARED = ['model', 'data', 'augmentation', 'training'];

/** Every leaf of `was` and `now` under `prefix` whose values differ. */
function differences(was: unknown, now: unknown, prefix: string, out: ConfigChange[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(was) && isObject(now) && Array.isArray(was) === Array.isArray(now) && !Array.isArray(was)) {
    for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
      differences(was[k], now[k], prefix ? `${prefix}.${k}` : k, out);
    }
    return;
  }
  if (was !== undefined && JSON.stringify(was) !== JSON.stringify(now)) out.push({ key: prefix, was, now });
}

/**
 * Checks a resume before anything is written: the run folder's config.json must exist and
 * describe the same model, data and training as `config` (what this command would write).
 * Throws a UsageError naming every difference; differences in CHANGEABLE settings pass when
 * `allowChanges`, and are returned so that the caller can report them.
 */
export function checkResume(dir: string, config: Record<string, unknown>, allowChanges: boolean): ConfigChange[] {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) throw new UsageError(`--resume: ${path} is missing: ${dir} is not a run folder`);
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--resume: ${path} is not valid JSON (${(e as Error).message})`);
  }
  const changes: ConfigChange[] = [];
  for (const k of COMPARED) differences(old[k], config[k], k, changes);
  const relevant = changes.filter((c) => !FREE.has(c.key));
  const fixed = relevant.filter((c) => !CHANGEABLE.some((r) => r.test(c.key)));
  const show = (cs: ConfigChange[]) =>
    cs.map((c) => `${c.key} was ${JSON.stringify(c.was)}, now ${JSON.stringify(c.now)}`).join('; ');
  if (fixed.length > 0) {
    throw new UsageError(`--resume: the run in ${dir} cannot continue with other settings: ${show(fixed)}`);
  }
  if (relevant.length > 0 && !allowChanges) {
    throw new UsageError(
      `--resume: these settings differ from the run in ${dir}: ${show(relevant)}; add --allow-changes to continue with the new values`,
    );
  }
  return relevant;
}
