/** Benchmarks of alchemist-ai: chunking overhead, first-chunk latency, idle memory, load. */
@NullMarked
package dev.alchemist.bench.ai;

import org.jspecify.annotations.NullMarked;
