/**
 * hybrid's options: one map per expert, holding that router's own options
 * (`hybrid: {mf: {cache_size: 1000}}`). A top-level `mf:` configures the mf router, not this expert.
 */
export const HYBRID_EXPERTS = ['mf', 'lexical'] as const;
