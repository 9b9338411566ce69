/**
 * Benchmarks for {@code dev.alchemist.store} against the PostgreSQL named by {@code
 * ALCHEMIST_PG_URL} / {@code ALCHEMIST_PG_USER} / {@code ALCHEMIST_PG_PASSWORD} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}): batched, single-row and COPY
 * inserts ({@link dev.alchemist.bench.store.StoreInsertBenchmark}), and reads of a dialog with 1M
 * messages ({@link dev.alchemist.bench.store.StoreReadBenchmark}).
 */
@NullMarked
package dev.alchemist.bench.store;

import org.jspecify.annotations.NullMarked;
