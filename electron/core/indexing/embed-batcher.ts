import type { Embedder } from '../embedding/embedder';

type Job = {
  texts: string[];
  out: Float32Array;
  done: number;
  failed: boolean;
  onBatch?: (done: number) => void;
  resolve: (vectors: Float32Array) => void;
  reject: (error: unknown) => void;
};

/**
 * Packs texts from every document in flight into full model batches. While one batch
 * runs (ONNX works off the JS thread), the next fills up, so small documents do not
 * each pay for a half-empty batch.
 */
export class EmbedBatcher {
  private readonly waiting: { job: Job; index: number }[] = [];
  private running = false;

  constructor(
    private readonly embedder: Embedder,
    private readonly batchSize: number,
  ) {}

  get dims(): number {
    return this.embedder.dims;
  }

  get modelId(): string {
    return this.embedder.modelId;
  }

  /** `urgent` texts (a search query) go before everything already waiting. */
  embed(texts: string[], onBatch?: (done: number) => void, urgent = false): Promise<Float32Array> {
    if (texts.length === 0) return Promise.resolve(new Float32Array(0));
    return new Promise((resolve, reject) => {
      const job: Job = {
        texts,
        out: new Float32Array(texts.length * this.dims),
        done: 0,
        failed: false,
        onBatch,
        resolve,
        reject,
      };
      const items = texts.map((_, index) => ({ job, index }));
      if (urgent) this.waiting.unshift(...items);
      else this.waiting.push(...items);
      void this.drain();
    });
  }

  private async drain() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, this.batchSize);
        let vectors: Float32Array;
        try {
          vectors = await this.embedder.embed(batch.map(({ job, index }) => job.texts[index]!));
        } catch (error) {
          const failed = new Set(batch.map((b) => b.job));
          for (const job of failed) {
            job.failed = true;
            job.reject(error);
          }
          for (let i = this.waiting.length - 1; i >= 0; i--)
            if (this.waiting[i]!.job.failed) this.waiting.splice(i, 1);
          continue;
        }
        const dims = this.dims;
        const touched = new Set<Job>();
        batch.forEach(({ job, index }, row) => {
          job.out.set(vectors.subarray(row * dims, (row + 1) * dims), index * dims);
          job.done++;
          touched.add(job);
        });
        for (const job of touched) {
          job.onBatch?.(job.done);
          if (job.done === job.texts.length) job.resolve(job.out);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
