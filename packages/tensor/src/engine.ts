import type { Backend } from './backend.js';
import type { DType } from './dtype.js';

/**
 * The engine holds the active backend and default dtype. Ops run on the active backend;
 * tensors are allocated by it. Backends register themselves lazily by name.
 */
const factories = new Map<string, () => Backend>();
const instances = new Map<string, Backend>();
let active: Backend | null = null;
/**
 * Preference order for the default backend: the fastest one that is registered. 'native' is
 * registered only by importing @funt/tensor-native where its addon is built (Node, AVX2).
 */
const DEFAULT_ORDER = ['native', 'wasm', 'reference'];
let defaultDType: DType = 'float32';

/**
 * Registers a backend factory under `name`, replacing any earlier one of that name. The factory runs
 * lazily, the first time the backend is used; `@funt/tensor` registers 'reference' and 'wasm' itself.
 */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
  instances.delete(name);
}

/** Names of the registered backends, in registration order. */
export function listBackends(): string[] {
  return [...factories.keys()];
}

/**
 * The backend registered as `name`, created on first use; throws naming the registered backends when
 * there is no such backend. Does not make it active (see `setBackend`).
 */
export function backendByName(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const f = factories.get(name);
    if (!f) throw new Error(`unknown backend '${name}' (registered: ${listBackends().join(', ')})`);
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** The backend ops run on: set by setBackend, else FUNT_BACKEND, else the first registered of native, wasm, reference. */
export function getBackend(): Backend {
  if (!active) {
    const fromEnv = typeof process !== 'undefined' ? process.env?.FUNT_BACKEND : undefined;
    const name = fromEnv || DEFAULT_ORDER.find((n) => factories.has(n)) || listBackends()[0];
    if (!name) throw new Error('no tensor backend is registered');
    active = backendByName(name);
  }
  return active;
}

/**
 * Makes `name` the active backend for every later op and allocation, and returns it. When the backend
 * cannot compute in the current default dtype, the default becomes its first dtype. Tensors created
 * before keep their backend; `toActive` copies them over.
 *
 * @example
 * ```ts
 * setBackend('reference'); // plain TypeScript kernels, float32 or float64
 * setDefaultDType('float64');
 * ```
 */
export function setBackend(name: string): Backend {
  const b = backendByName(name);
  if (!b.dtypes.includes(defaultDType)) defaultDType = b.dtypes[0];
  active = b;
  return b;
}

/** The dtype creation functions use when none is given: 'float32' unless `setDefaultDType` changed it. */
export function getDefaultDType(): DType {
  return defaultDType;
}

/**
 * Sets the dtype creation functions use when none is given. Throws when the active backend cannot
 * compute in `dtype` (the wasm backend is float32 only).
 */
export function setDefaultDType(dtype: DType): void {
  const b = getBackend();
  if (!b.dtypes.includes(dtype)) throw new Error(`backend '${b.name}' does not support ${dtype}`);
  defaultDType = dtype;
}

/**
 * Runs `fn` with another backend (and optionally dtype) active, restoring both afterwards.
 * Gradient checks use `withBackend('reference', fn, 'float64')`.
 */
export function withBackend<T>(name: string, fn: () => T, dtype?: DType): T {
  const prevBackend = getBackend();
  const prevDType = defaultDType;
  setBackend(name);
  if (dtype) setDefaultDType(dtype);
  try {
    return fn();
  } finally {
    active = prevBackend;
    defaultDType = prevDType;
  }
}
