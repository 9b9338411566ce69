/** Benchmarks for {@code dev.alchemist.metrics}: what request tracking costs per call. */
@NullMarked
package dev.alchemist.bench.metrics;

import org.jspecify.annotations.NullMarked;
