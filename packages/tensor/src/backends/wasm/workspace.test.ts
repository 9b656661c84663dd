import { describe, expect, it } from 'vitest';
import { HeapAllocator } from '../../memory.js';
import { WebAssemblyApi } from '../../webassembly.js';
import { Workspace } from './workspace.js';

function fresh(): { heap: HeapAllocator; ws: Workspace } {
  const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 1024, shared: true });
  const heap = new HeapAllocator(memory, 1024);
  return { heap, ws: new Workspace(heap) };
}

describe('Workspace', () => {
  it('hands out disjoint 64-byte-aligned blocks and takes them back at release', () => {
    const { ws } = fresh();
    const m = ws.mark();
    const a = ws.take(10);
    const b = ws.take(100);
    expect(a % 64).toBe(0);
    expect(b % 64).toBe(0);
    expect(b >= a + 64 || a >= b + 128).toBe(true);
    ws.release(m);
    expect(ws.mark()).toBe(0);
  });

  it('serves a call that outgrows the arena from extra blocks, then grows the arena to that demand', () => {
    const { heap, ws } = fresh();
    expect(ws.bytes).toBe(0);
    const m = ws.mark();
    ws.take(1000);
    const inner = ws.mark();
    ws.take(5000);
    ws.release(inner); // a nested release keeps the extra blocks until the outermost one
    expect(ws.bytes).toBe(0);
    ws.release(m);
    expect(ws.bytes).toBeGreaterThanOrEqual(6000);
    const inUse = heap.stats().bytesInUse;
    // The same demand again fits: nothing new is allocated.
    ws.take(1000);
    ws.take(5000);
    ws.release(0);
    expect(heap.stats().bytesInUse).toBe(inUse);
    expect(ws.bytes).toBeGreaterThanOrEqual(6000);
  });
});
