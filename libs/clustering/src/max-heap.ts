/** Binary max-heap of candidate merges (score, a, b, version of a, version of b) in parallel arrays. */
export class MergeHeap {
  private scores = new Float64Array(1024);
  private data = new Int32Array(1024 * 4);
  size = 0;

  push(score: number, a: number, b: number, va: number, vb: number): void {
    if (this.size === this.scores.length) {
      const s = new Float64Array(this.size * 2);
      s.set(this.scores);
      this.scores = s;
      const d = new Int32Array(this.size * 8);
      d.set(this.data);
      this.data = d;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.scores[p] >= score) break;
      this.move(p, i);
      i = p;
    }
    this.scores[i] = score;
    this.data.set([a, b, va, vb], i * 4);
  }

  /** Removes the top entry into `out` = [a, b, va, vb] and returns its score. */
  pop(out: Int32Array): number {
    const top = this.scores[0];
    out.set(this.data.subarray(0, 4));
    const last = --this.size;
    if (last > 0) {
      const score = this.scores[last];
      const entry = this.data.slice(last * 4, last * 4 + 4);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.scores[r] > this.scores[l] ? r : l;
        if (this.scores[c] <= score) break;
        this.move(c, i);
        i = c;
      }
      this.scores[i] = score;
      this.data.set(entry, i * 4);
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.scores[to] = this.scores[from];
    this.data.copyWithin(to * 4, from * 4, from * 4 + 4);
  }
}
