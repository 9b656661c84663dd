import { describe, expect, it } from 'vitest';
import { HeapAllocator } from '../../memory.js';
import { WebAssemblyApi } from '../../webassembly-api.js';
import { ScratchArena } from './scratch-arena.js';

function fresh(): { heap: HeapAllocator; arena: ScratchArena } {
  const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 1024, shared: true });
  const heap = new HeapAllocator(memory, 1024);
  return { heap, arena: new ScratchArena(heap) };
}

describe('ScratchArena', () => {
  it('hands out disjoint 64-byte-aligned blocks and takes them back at release', () => {
    const { arena } = fresh();
    const m = arena.mark();
    const a = arena.take(10);
    const b = arena.take(100);
    expect(a % 64).toBe(0);
    expect(b % 64).toBe(0);
    expect(b >= a + 64 || a >= b + 128).toBe(true);
    arena.release(m);
    expect(arena.mark()).toBe(0);
  });

  it('serves a call that outgrows the arena from extra blocks, then grows the arena to that demand', () => {
    const { heap, arena } = fresh();
    expect(arena.bytes).toBe(0);
    const m = arena.mark();
    arena.take(1000);
    const inner = arena.mark();
    arena.take(5000);
    arena.release(inner); // a nested release keeps the extra blocks until the outermost one
    expect(arena.bytes).toBe(0);
    arena.release(m);
    expect(arena.bytes).toBeGreaterThanOrEqual(6000);
    const inUse = heap.stats().bytesInUse;
    // The same demand again fits: nothing new is allocated.
    arena.take(1000);
    arena.take(5000);
    arena.release(0);
    expect(heap.stats().bytesInUse).toBe(inUse);
    expect(arena.bytes).toBeGreaterThanOrEqual(6000);
  });
});
