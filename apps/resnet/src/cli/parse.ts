import { InvalidArgumentError } from 'commander';

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

export function oneOf<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text: string) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
  };
}

/**
 * The options commander hands an action: untyped by nature, since they come from the command
 * line; each handler reads and checks the flags it declared.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander's parsed options are untyped by design
export type Flags = Record<string, any>;

/** A command's action: commander passes positional arguments, then the flags, then the command. */
// biome-ignore lint/suspicious/noExplicitAny: commander's action arguments are untyped by design
export type Action = (...args: any[]) => Promise<void>;
