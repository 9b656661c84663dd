import { SolverConfigError } from './errors.js';

/**
 * Checked option bags. Users pass plain objects (from code, a CLI or a JSON file), so a typo
 * like `momentun` must be an error naming the key rather than a silently ignored option.
 */

/** Returns null when `value` is acceptable, else a phrase saying what was expected. */
export type Check = (value: unknown) => string | null;

export function numberIn(min: number, max: number, { integer = false, exclusiveMin = false } = {}): Check {
  return (v) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (exclusiveMin ? v > min : v >= min) &&
      v <= max &&
      (!integer || Number.isInteger(v));
    if (ok) return null;
    const range = `${exclusiveMin ? '(' : '['}${min}, ${max === Infinity ? '∞)' : `${max}]`}`;
    return `${integer ? 'an integer' : 'a number'} in ${range}`;
  };
}

export const isBoolean: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');

export function oneOf(values: readonly unknown[]): Check {
  return (v) => (values.includes(v) ? null : `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
}

export function isFunction(what: string): Check {
  return (v) => (typeof v === 'function' ? null : what);
}

/** Shows a received value in an error without dumping a large object. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v !== null && typeof v === 'object') return v.constructor?.name ? `a ${v.constructor.name}` : 'an object';
  return String(v);
}

/**
 * Merges `given` over `defaults` after checking that every given key is known and every value
 * passes its check. `where` names the owner in errors, e.g. "update rule 'sgd'".
 */
export function checkOptions<T extends object>(
  where: string,
  defaults: T,
  checks: { [K in keyof T]?: Check },
  given: unknown,
): T {
  const bag: object = given ?? {};
  if (typeof bag !== 'object' || Array.isArray(bag)) {
    throw new SolverConfigError(`${where}: options must be an object, got ${show(given)}`);
  }
  const known = Object.keys(defaults);
  for (const key of Object.keys(bag)) {
    if (!known.includes(key)) {
      throw new SolverConfigError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
    }
  }
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(bag)) {
    if (value === undefined) continue;
    const check = (checks as Record<string, Check | undefined>)[key];
    const problem = check ? check(value) : null;
    if (problem) throw new SolverConfigError(`${where}: option '${key}' must be ${problem}, got ${show(value)}`);
    merged[key] = value;
  }
  return merged as T;
}
