/** JMH benchmarks comparing Alchemist with the raw libraries underneath it. */
@NullMarked
package dev.alchemist.bench;

import org.jspecify.annotations.NullMarked;
