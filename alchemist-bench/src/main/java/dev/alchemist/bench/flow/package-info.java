/**
 * Benchmarks for {@code dev.alchemist.core.flow}: debouncer update throughput and allocation,
 * delivery jitter at 60 Hz, virtual-window arithmetic, and whether interning tokens saves
 * allocation.
 */
@NullMarked
package dev.alchemist.bench.flow;

import org.jspecify.annotations.NullMarked;
