import { InvalidArgumentError } from 'commander';
import { NOISE_KINDS, type NoiseKind } from '../data/augment.js';
import { UsageError } from '../errors.js';
import { parseSchedule, type ScheduleSpec } from '../training/schedule.js';

/**
 * Argument parsers for commander: each turns the flag's text into a value or throws an
 * InvalidArgumentError whose message says what was expected; commander prefixes the flag.
 */
function number(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`expected a number, got '${text}'`);
  return v;
}

export function positiveInt(text: string): number {
  const v = number(text);
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`expected a positive integer, got '${text}'`);
  return v;
}

export function nonNegativeInt(text: string): number {
  const v = number(text);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`expected an integer >= 0, got '${text}'`);
  return v;
}

export function positiveNumber(text: string): number {
  const v = number(text);
  if (v <= 0) throw new InvalidArgumentError(`expected a number > 0, got '${text}'`);
  return v;
}

export function nonNegativeNumber(text: string): number {
  const v = number(text);
  if (v < 0) throw new InvalidArgumentError(`expected a number >= 0, got '${text}'`);
  return v;
}

/** A number in [0, 1). */
export function unitInterval(text: string): number {
  const v = number(text);
  if (v < 0 || v >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), got '${text}'`);
  return v;
}

export function probability(text: string): number {
  const v = number(text);
  if (v <= 0 || v >= 1)
    throw new InvalidArgumentError(`expected a probability strictly between 0 and 1, got '${text}'`);
  return v;
}

/** "a,b" → [a, b]. */
export function numberPair(text: string): [number, number] {
  const parts = text.split(',');
  if (parts.length !== 2) throw new InvalidArgumentError(`expected two numbers separated by a comma, got '${text}'`);
  return [number(parts[0]), number(parts[1])];
}

/** "64,32" → [64, 32]; empty → []. */
export function intList(text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map(positiveInt);
}

/** "0,5,7" → [0, 5, 7], indices may be 0. */
export function indexList(text: string): number[] {
  return text.split(',').map(nonNegativeInt);
}

/** "1,2" → [1, 2]: seeds, each given once (a repeated seed would repeat a run). */
export function seedList(text: string): number[] {
  const seeds = indexList(text);
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined) throw new InvalidArgumentError(`seed ${repeated} is given twice in '${text}'`);
  return seeds;
}

export function oneOf<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text: string) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
  };
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

/** "3,32,32" → [channels, height, width] of one image. */
export function imageShape(text: string): [number, number, number] {
  const parts = text.split(/[x,]/);
  if (parts.length !== 3)
    throw new InvalidArgumentError(`expected channels,height,width (e.g. 3,32,32), got '${text}'`);
  return [positiveInt(parts[0]), positiveInt(parts[1]), positiveInt(parts[2])];
}

/** "cat, dog" → ['cat', 'dog']. */
export function nameList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) throw new InvalidArgumentError(`expected names separated by commas, got '${text}'`);
  return names;
}

/** "gaussian:0.2" → { kind, amount }; the amount defaults to 0.02 for salt-pepper, 0.1 otherwise. */
export function noise(text: string): { kind: NoiseKind; amount: number } {
  const [kind, amount] = text.split(':');
  const k = oneOf(NOISE_KINDS)(kind);
  return { kind: k, amount: amount === undefined ? (k === 'salt-pepper' ? 0.02 : 0.1) : nonNegativeNumber(amount) };
}

/** A learning-rate schedule (see training/schedule.ts). */
export function schedule(text: string): ScheduleSpec {
  try {
    return parseSchedule(text);
  } catch (e) {
    if (e instanceof UsageError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}
