package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Chunked JDBC batches, shared by every insertAll and by the H2 fallback of bulkLoad. */
final class Batches {
  private static final int SHOWN_IDS = 3;

  private Batches() {}

  /** A copy without nulls, so a null found halfway does not leave half a batch written. */
  static <T> List<T> copyNonNull(String field, Collection<T> rows) {
    Checks.notNull(field, rows);
    List<T> copy = new ArrayList<>(rows.size());
    int i = 0;
    for (T row : rows) {
      if (row == null) {
        throw new IllegalArgumentException(field + "[" + i + "] must not be null");
      }
      copy.add(row);
      i++;
    }
    return copy;
  }

  /**
   * What a failed batch reports: the operation, the row count and the first ids, never a row's
   * content (the rows hold users' text).
   */
  static <T> Supplier<String> describe(String operation, List<T> rows, Function<T, ?> id) {
    return () -> {
      StringBuilder out = new StringBuilder(operation).append(" of ").append(rows.size());
      out.append(rows.size() == 1 ? " row (id " : " rows (ids ");
      int shown = Math.min(rows.size(), SHOWN_IDS);
      for (int i = 0; i < shown; i++) {
        out.append(i == 0 ? "" : ", ").append(id.apply(rows.get(i)));
      }
      if (rows.size() > shown) {
        out.append(" and ").append(rows.size() - shown).append(" more");
      }
      return out.append(')').toString();
    };
  }

  /** Executes {@code rows} as batches of at most {@code chunkSize}; returns how many rows. */
  static <T> int chunked(
      Iterable<T> rows,
      int chunkSize,
      Supplier<PreparedBatch> newBatch,
      BiConsumer<PreparedBatch, T> add) {
    int total = 0;
    Iterator<T> it = rows.iterator();
    while (it.hasNext()) {
      try (PreparedBatch batch = newBatch.get()) {
        int n = 0;
        while (n < chunkSize && it.hasNext()) {
          T row = it.next();
          Checks.notNull("row", row);
          add.accept(batch, row);
          n++;
        }
        batch.execute();
        total += n;
      }
    }
    return total;
  }
}
