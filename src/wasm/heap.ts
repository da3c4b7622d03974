// A small allocator over the WebAssembly memory, owned by JavaScript.
//
// Why not the AssemblyScript runtime's allocator: the stub runtime frees only the most recent
// block and caps one block at 1 GiB; the kernels never allocate, so JavaScript can own everything
// above the module's static data. Blocks are kept sorted by address; an allocation takes the first
// gap that fits (every fit frees what it took, so the heap returns to empty between fits and the
// memory does not grow across fits), growing the memory when no gap does.
//
// Views are plain Float64Arrays over a block (f64). The AssemblyScript loader's views
// (__getFloat64ArrayView) read the header of an object the module allocated itself; these blocks
// have none (see wasm/module.ts).
import { SoftlogitError } from '../errors.js';

/**
 * What the heap uses of a WebAssembly.Memory, declared here so that the package's types need
 * neither the DOM lib nor @types/node.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

const PAGE_BYTES = 65536;
/** Memory32 addresses stop at 4 GiB; V8 caps wasm32 memories there too. */
const MAX_MEMORY_BYTES = 4 * 1024 * 1024 * 1024;
/** 16-byte alignment for v128 loads and stores. */
const ALIGN = 16;

interface Block { start: number; end: number }

export class WasmHeap {
  private readonly memory: WasmMemory;
  private readonly base: number;
  private readonly blocks: Block[] = [];

  constructor(memory: WasmMemory, base: number) {
    this.memory = memory;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Largest single allocation that could ever succeed, in bytes. */
  get capacity(): number {
    return MAX_MEMORY_BYTES - this.base;
  }

  /** Bytes currently allocated. */
  get allocatedBytes(): number {
    let sum = 0;
    for (const b of this.blocks) sum += b.end - b.start;
    return sum;
  }

  /** Current size of the WebAssembly memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Reserves `bytes` (rounded up to 16) and returns the address. Grows the memory when needed,
   * which detaches every typed-array view: take views after allocating.
   * @throws {SoftlogitError} `TOO_LARGE` when the request cannot fit in 4 GiB.
   */
  alloc(bytes: number, caller = 'alloc'): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let start = this.base;
    let index = 0;
    for (; index < this.blocks.length; index++) {
      const block = this.blocks[index]!;
      if (block.start - start >= size) break;
      start = block.end;
    }
    const end = start + size;
    if (end > MAX_MEMORY_BYTES) {
      throw new SoftlogitError(
        'TOO_LARGE',
        `${caller}: needs ${formatBytes(size)} of WebAssembly memory at once, more than the ${formatBytes(MAX_MEMORY_BYTES)} a ` +
          `32-bit WebAssembly memory can address (${formatBytes(this.allocatedBytes)} already in use); fit fewer rows or columns`,
        { requestedBytes: size, capacityBytes: this.capacity },
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      try {
        this.memory.grow(pages);
      } catch (cause) {
        throw new SoftlogitError(
          'TOO_LARGE',
          `${caller}: could not grow WebAssembly memory to ${formatBytes(end)} (${String(cause)}); fit fewer rows or columns`,
          { requestedBytes: size },
        );
      }
    }
    this.blocks.splice(index, 0, { start, end });
    return start;
  }

  /** Releases the block at `address` (from `alloc`); unknown addresses are ignored. */
  free(address: number): void {
    const index = this.blocks.findIndex((b) => b.start === address);
    if (index >= 0) this.blocks.splice(index, 1);
  }

  /** A Float64Array view of `length` doubles at `address`; invalid after the next `alloc`. */
  f64(address: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, address, length);
  }
}

/** Human-readable size: 1.5 GiB, 20 MiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
