/** An append-only Uint32Array that doubles when full: postings and per-file columns without boxing. */
export class GrowableUint32 {
  private data: Uint32Array;
  length = 0;

  constructor(capacity = 4) {
    this.data = new Uint32Array(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) this.grow(this.length * 2 || 4);
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
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }

  private grow(capacity: number): void {
    const next = new Uint32Array(capacity);
    next.set(this.data);
    this.data = next;
  }
}

/** The same for sizes (bytes exceed 2^32, and stay exact as doubles up to 2^53). */
export class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 4) {
    this.data = new Float64Array(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.length * 2 || 4);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index]!;
  }
}
