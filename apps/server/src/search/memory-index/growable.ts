type NumberArray = Uint32Array | Float64Array;

/**
 * An append-only typed array that doubles when full: postings and per-file columns without
 * boxing. Float64 for sizes (bytes exceed 2^32, and stay exact as doubles up to 2^53).
 */
class Growable<T extends NumberArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly allocate: (capacity: number) => T,
    capacity: number,
  ) {
    this.data = allocate(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = this.allocate(this.length * 2 || 4);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** The filled part, without copying (valid until the next push). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  constructor(capacity = 4) {
    super((size) => new Uint32Array(size), capacity);
  }
}

export class GrowableFloat64 extends Growable<Float64Array> {
  constructor(capacity = 4) {
    super((size) => new Float64Array(size), capacity);
  }
}
