/**
 * Benchmarks for {@code dev.alchemist.cache}: L2-hit get against raw Lettuce GET, getAll against
 * single gets, and the near-cache hit path, all against the same Redis in one run.
 */
@NullMarked
package dev.alchemist.bench.cache;

import org.jspecify.annotations.NullMarked;
