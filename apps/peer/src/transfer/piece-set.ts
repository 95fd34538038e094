/** Which pieces of a file are held, as a bitfield that packs into a sidecar file. */
export class PieceSet {
  private readonly bits: Uint8Array;
  private held = 0;

  constructor(readonly total: number) {
    this.bits = new Uint8Array(Math.ceil(total / 8));
  }

  static fromBase64(total: number, encoded: string): PieceSet {
    const set = new PieceSet(total);
    const bytes = Buffer.from(encoded, 'base64');
    for (let index = 0; index < total; index++) {
      if ((bytes[index >> 3] ?? 0) & (1 << (index & 7))) set.add(index);
    }
    return set;
  }

  get count(): number {
    return this.held;
  }

  get complete(): boolean {
    return this.held === this.total;
  }

  has(index: number): boolean {
    return (this.bits[index >> 3]! & (1 << (index & 7))) !== 0;
  }

  add(index: number): void {
    if (this.has(index)) return;
    this.bits[index >> 3]! |= 1 << (index & 7);
    this.held++;
  }

  delete(index: number): void {
    if (!this.has(index)) return;
    this.bits[index >> 3]! &= ~(1 << (index & 7));
    this.held--;
  }

  /** Index of the first piece not held, or `total`. */
  firstMissing(from = 0): number {
    let index = from;
    while (index < this.total && this.has(index)) index++;
    return index;
  }

  toBase64(): string {
    return Buffer.from(this.bits).toString('base64');
  }
}
