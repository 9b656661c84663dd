import type { RngState } from '@funt/tensor';

/** The part of an Rng that checkpoints need. */
interface StatefulRng {
  getState(): RngState;
  setState(state: RngState): void;
}

/**
 * The random generators inside a model (Dropout's mask generator), by module path. A model
 * that lists its modules (`namedModules()`, as @funt/layers modules do) has them saved in
 * checkpoints, so a resumed run draws the same dropout masks as an uninterrupted one.
 */
export function moduleRngs(model: object): Map<string, StatefulRng> {
  const out = new Map<string, StatefulRng>();
  const named = (model as { namedModules?: () => [string, unknown][] }).namedModules;
  if (typeof named !== 'function') return out;
  for (const [path, m] of named.call(model)) {
    const rng = (m as { rng?: Partial<StatefulRng> } | null)?.rng;
    if (rng && typeof rng.getState === 'function' && typeof rng.setState === 'function') {
      out.set(path === '' ? '<root>' : path, rng as StatefulRng);
    }
  }
  return out;
}

export function saveModuleRngs(model: object): Record<string, RngState> {
  const out: Record<string, RngState> = {};
  for (const [path, rng] of moduleRngs(model)) out[path] = rng.getState();
  return out;
}

export function loadModuleRngs(model: object, states: Record<string, RngState> | undefined): void {
  const rngs = moduleRngs(model);
  for (const [path, state] of Object.entries(states ?? {})) rngs.get(path)?.setState(state);
}
