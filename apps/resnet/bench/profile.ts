/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the training-step loop: where the time
 * goes by category (WebAssembly kernels, JS of each package, garbage collection), which
 * functions spend it (self time), and which ops and layers it is spent under (inclusive time).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The parts of the .cpuprofile format (Chrome DevTools protocol `Profiler.Profile`) used here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  /** Node id of each sample (the function on top of the stack). */
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

interface Share {
  label: string;
  ms: number;
  /** Percent of the profiled total (see ProfileSummary.totalMs). */
  percent: number;
  /** The ops (in @funt/tensor's ops/) the function ran under, with their share of its time. */
  callers?: string;
}

interface ProfileSummary {
  /** Time of the samples under the focus function (all samples without one). */
  totalMs: number;
  /** Time of the samples left out because the focus function was not on their stack (start-up). */
  excludedMs: number;
  categories: Share[];
  self: Share[];
  ops: Share[];
  layers: Share[];
}

// ---------------------------------------------------------------------------------------------
// WebAssembly function names

function readLeb(bytes: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at.pos++];
    if (b === undefined) throw new RangeError('wasm: truncated LEB128 number');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
  }
}

function readName(bytes: Uint8Array, at: { pos: number }): string {
  const len = readLeb(bytes, at);
  const s = new TextDecoder().decode(bytes.subarray(at.pos, at.pos + len));
  at.pos += len;
  return s;
}

interface WasmTables {
  /** Export name → function index. */
  exports: Map<string, number>;
  /** Function index → name from the "name" custom section. */
  named: Map<number, string>;
  /** Imported functions come first in the index space. */
  importedFunctions: number;
  /** Functions defined by the module (its function section). */
  definedFunctions: number;
}

function readLimits(bytes: Uint8Array, at: { pos: number }): void {
  const flags = bytes[at.pos++];
  readLeb(bytes, at);
  if (flags & 1) readLeb(bytes, at);
}

function readTables(bytes: Uint8Array): WasmTables {
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new RangeError('wasm: not a WebAssembly module (bad magic number)');
  const t: WasmTables = { exports: new Map(), named: new Map(), importedFunctions: 0, definedFunctions: 0 };
  const at = { pos: 8 };
  while (at.pos < bytes.length) {
    const id = bytes[at.pos++];
    const size = readLeb(bytes, at);
    const end = at.pos + size;
    if (id === 2) {
      // Import section: (module, field, kind, description)*; only function imports take indices here.
      const count = readLeb(bytes, at);
      for (let i = 0; i < count; i++) {
        readName(bytes, at);
        readName(bytes, at);
        const kind = bytes[at.pos++];
        if (kind === 0) {
          readLeb(bytes, at);
          t.importedFunctions++;
        } else if (kind === 1) {
          at.pos++;
          readLimits(bytes, at);
        } else if (kind === 2) readLimits(bytes, at);
        else at.pos += 2; // global: value type, mutability
      }
    } else if (id === 3) {
      t.definedFunctions = readLeb(bytes, at);
    } else if (id === 7) {
      // Export section: (name, kind, index)*; kind 0 is a function.
      const count = readLeb(bytes, at);
      for (let i = 0; i < count; i++) {
        const name = readName(bytes, at);
        const kind = bytes[at.pos++];
        const index = readLeb(bytes, at);
        if (kind === 0) t.exports.set(name, index);
      }
    } else if (id === 0 && readName(bytes, at) === 'name') {
      // Name section: subsection 1 is the function name map (index, name)*.
      while (at.pos < end) {
        const sub = bytes[at.pos++];
        const subSize = readLeb(bytes, at);
        const subEnd = at.pos + subSize;
        if (sub === 1) {
          const count = readLeb(bytes, at);
          for (let i = 0; i < count; i++) {
            const index = readLeb(bytes, at);
            t.named.set(index, readName(bytes, at));
          }
        }
        at.pos = subEnd;
      }
    }
    at.pos = end;
  }
  return t;
}

/**
 * The functions of a WebAssembly text file (as AssemblyScript's --textFile writes it) by
 * index, and its exports, or null if the text does not describe the same module as `t`:
 * the same number of functions and every export at the same index.
 */
function watNames(wat: string, t: WasmTables): Map<number, string> | null {
  const imported = (wat.match(/^\s*\(import "[^"]*" "[^"]*" \(func\b/gm) ?? []).length;
  const defined = [...wat.matchAll(/^\s*\(func \$(\S+)/gm)].map((m) => m[1]);
  if (imported !== t.importedFunctions || defined.length !== t.definedFunctions) return null;
  const index = new Map(defined.map((name, i) => [name, imported + i]));
  for (const m of wat.matchAll(/\(export "([^"]+)" \(func \$(\S+)\)\)/g)) {
    if (t.exports.get(m[1]) !== index.get(m[2])) return null;
  }
  // '$assembly/gemm/microKernel' → 'gemm/microKernel'
  return new Map(defined.map((name, i) => [imported + i, name.replace(/^assembly\//, '')]));
}

/**
 * Function index → name. V8 labels WebAssembly frames `wasm-function[index]` when the module
 * carries no name section (AssemblyScript's -O3 builds drop it), in the module's function
 * index space (imports first). Names come from the name section if any, else the exports,
 * and for the unexported functions from the text format (`wat`, e.g. build/kernels.wat) when
 * it matches this binary. The sections are read directly from the binary format (a few dozen
 * lines; a full WebAssembly toolchain would be a heavy dependency for three tables).
 */
export function wasmFunctionNames(bytes: Uint8Array, wat?: string): Map<number, string> {
  const t = readTables(bytes);
  const names = new Map<number, string>();
  const fromWat = wat === undefined ? null : watNames(wat, t);
  for (const [index, name] of fromWat ?? []) names.set(index, name);
  for (const [name, index] of [...t.exports].reverse()) names.set(index, name);
  for (const [index, name] of t.named) names.set(index, name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Labels and categories

const WASM_FRAME = /^wasm-function\[(\d+)\]$/;

/** The path from the package folder on ('tensor/dist/ops/conv.js'), or the URL as it is. */
function shortUrl(url: string): string {
  const m = /\/(?:packages|apps)\/(.+)$/.exec(url);
  return m ? m[1] : url;
}

function frameLabel(frame: CallFrame, wasmNames: ReadonlyMap<number, string>): string {
  const wasm = WASM_FRAME.exec(frame.functionName);
  if (wasm) {
    const index = Number(wasm[1]);
    return `wasm ${wasmNames.get(index) ?? `internal function #${index}`}`;
  }
  if (frame.url === '') return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
}

export function categoryOf(frame: CallFrame): string {
  if (WASM_FRAME.test(frame.functionName) || frame.url.startsWith('wasm://')) return 'WebAssembly kernels';
  if (frame.functionName === '(garbage collector)') return 'garbage collection';
  if (frame.url === '') return `V8 ${frame.functionName || 'native'}`;
  const pkg = /\/packages\/([^/]+)\//.exec(frame.url);
  if (pkg) return `@funt/${pkg[1]} (JS)`;
  if (frame.url.includes('/apps/resnet/')) return 'app and benchmark (JS)';
  if (frame.url.startsWith('node:')) return 'Node.js internals';
  return 'other JS';
}

// ---------------------------------------------------------------------------------------------
// Summary

/** Files and methods that only pass the work on to children: their inclusive time says nothing. */
const CONTAINERS = new Set(['module', 'container', 'sequential', 'concat-table', 'parallel']);
const PASS_METHODS = new Set([
  'run',
  'forward',
  'backward',
  'forwardChild',
  'backwardChild',
  'updateOutput',
  'updateGradInput',
  'accGradParameters',
  'backprop',
]);

function shares(ms: Map<string, number>, total: number, top: number): Share[] {
  return [...ms]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([label, t]) => ({ label, ms: t, percent: (100 * t) / total }));
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

interface SummaryOptions {
  /**
   * Only samples with this function on the stack count (e.g. 'timeSteps': the step loop, not
   * start-up), plus garbage collection and '(program)', which V8 attributes to no stack.
   */
  focus?: string;
  /** Rows per table. */
  top?: number;
}

/**
 * Self time per function and category, and inclusive time per op (functions in
 * @funt/tensor's ops/) and per layer method (functions in @funt/layers), each counted once
 * per sample however deep the recursion.
 */
export function summariseProfile(
  profile: CpuProfile,
  wasmNames: ReadonlyMap<number, string>,
  options: SummaryOptions = {},
): ProfileSummary {
  const top = options.top ?? 20;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!);
    return stack;
  };
  const self = new Map<string, number>();
  const categories = new Map<string, number>();
  const ops = new Map<string, number>();
  const layers = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  let totalMs = 0;
  let excludedMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const stack = stackOf(id);
    // V8 puts garbage collection and its own unattributed work ('(program)') directly under the
    // root, never under a JS stack: they count whatever the focus.
    const unattributed =
      stack.length === 2 &&
      (stack[0].callFrame.functionName === '(garbage collector)' || stack[0].callFrame.functionName === '(program)');
    if (options.focus && !unattributed && !stack.some((n) => n.callFrame.functionName === options.focus)) {
      excludedMs += ms;
      return;
    }
    const leaf = stack[0].callFrame;
    if (leaf.functionName === '(idle)' || leaf.functionName === '(root)') {
      excludedMs += ms;
      return;
    }
    totalMs += ms;
    let label = frameLabel(leaf, wasmNames);
    add(categories, categoryOf(leaf), ms);
    if (WASM_FRAME.test(leaf.functionName)) {
      const index = Number(WASM_FRAME.exec(leaf.functionName)![1]);
      if (!wasmNames.has(index)) {
        // An unexported helper: name it after the exported kernel it runs inside.
        const kernel = stack.find(
          (n) =>
            WASM_FRAME.test(n.callFrame.functionName) &&
            wasmNames.has(Number(WASM_FRAME.exec(n.callFrame.functionName)![1])),
        );
        if (kernel) label += ` (inside ${frameLabel(kernel.callFrame, wasmNames).slice('wasm '.length)})`;
      }
    }
    // The op the time was spent under (the backend's helpers in between say nothing).
    const op = stack.find((n) => n.callFrame.url.includes('/tensor/dist/ops/') && n.callFrame.functionName !== '');
    if (op && op !== stack[0]) {
      const m = callers.get(label) ?? new Map<string, number>();
      add(m, op.callFrame.functionName, ms);
      callers.set(label, m);
    }
    add(self, label, ms);
    const seenOps = new Set<string>();
    const seenLayers = new Set<string>();
    for (const n of stack) {
      const f = n.callFrame;
      if (f.url.includes('/tensor/dist/ops/') && f.functionName)
        seenOps.add(`${f.functionName} (${shortUrl(f.url).replace(/^tensor\/dist\//, '')})`);
      const layer = /\/layers\/dist\/([^/]+)\.js$/.exec(f.url);
      if (layer && f.functionName && !(CONTAINERS.has(layer[1]) && PASS_METHODS.has(f.functionName)))
        seenLayers.add(`${layer[1]} ${f.functionName}`);
    }
    for (const k of seenOps) add(ops, k, ms);
    for (const k of seenLayers) add(layers, k, ms);
  });
  const selfShares = shares(self, totalMs, top);
  for (const s of selfShares) {
    const m = callers.get(s.label);
    if (m) {
      s.callers = [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([c, t]) => `${c} ${Math.round((100 * t) / s.ms)}%`)
        .join(', ');
    }
  }
  return {
    totalMs,
    excludedMs,
    categories: shares(categories, totalMs, Infinity),
    self: selfShares,
    ops: shares(ops, totalMs, top),
    layers: shares(layers, totalMs, top),
  };
}

function table(title: string, rows: Share[], withCallers = false): string {
  const head = withCallers
    ? '| % | ms | function | under the ops |\n|---:|---:|---|---|'
    : '| % | ms | function |\n|---:|---:|---|';
  const body = rows.map(
    (r) =>
      `| ${r.percent.toFixed(1)} | ${r.ms.toFixed(0)} | ${r.label.replace(/\|/g, '\\|')} |${withCallers ? ` ${r.callers ?? ''} |` : ''}`,
  );
  return [`**${title}**`, '', head, ...body].join('\n');
}

/** The summary as Markdown tables (BENCHMARKS.md quotes it); `scope` says which samples count. Empty tables are left out. */
export function profileMarkdown(s: ProfileSummary, scope = 'in the step loop'): string {
  const left =
    s.excludedMs > 0 ? ` (${(s.excludedMs / 1000).toFixed(2)} s of start-up, model building and idle left out)` : '';
  const parts = [`Profiled time: ${(s.totalMs / 1000).toFixed(2)} s of samples ${scope}${left}.`];
  const tables: [string, Share[], boolean][] = [
    ['By category (self time)', s.categories, false],
    ['Functions by self time', s.self, true],
    ['Ops by inclusive time (@funt/tensor ops/)', s.ops, false],
    ['Layer methods by inclusive time (@funt/layers)', s.layers, false],
  ];
  for (const [title, rows, callers] of tables)
    if (rows.length > 0) parts.push('', table(title, rows, callers && rows.some((r) => r.callers)));
  return parts.join('\n');
}
