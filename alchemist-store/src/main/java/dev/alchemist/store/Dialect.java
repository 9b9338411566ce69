package dev.alchemist.store;

/** The databases the store speaks; detected from the connection, never configured. */
public enum Dialect {
  /** PostgreSQL via pgjdbc: daily partitions of events, advisory locks, COPY. */
  POSTGRESQL,
  /** H2, the embedded default: a plain events table, row locks, batched inserts instead of COPY. */
  H2
}
