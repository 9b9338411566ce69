/**
 * Benchmarks of alchemist-nats beside raw jnats, against the same nats-server ({@code -Dnats.url},
 * default {@code nats://127.0.0.1:4222}).
 */
@NullMarked
package dev.alchemist.bench.nats;

import org.jspecify.annotations.NullMarked;
