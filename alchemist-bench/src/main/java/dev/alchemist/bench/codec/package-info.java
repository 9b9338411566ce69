/** Benchmarks of the core codec against JDK serialization and Jackson JSON. */
@NullMarked
package dev.alchemist.bench.codec;

import org.jspecify.annotations.NullMarked;
