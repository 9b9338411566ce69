package dev.alchemist.core.store.internal;

import dev.alchemist.core.store.Dialect;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The one path every repository call takes to the database: a handle for the duration of the
 * callback, its failure translated. Callbacks must fully read what they query (lists, optionals),
 * so the handle and its connection are back in the pool when the call returns.
 */
final class Sql {
  final Jdbi jdbi;
  final Dialect dialect;
  final int chunkSize;
  private final SqlErrors errors;

  Sql(Jdbi jdbi, Dialect dialect, int chunkSize, SqlErrors errors) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.chunkSize = chunkSize;
    this.errors = errors;
  }

  <R> R withHandle(String operation, HandleCallback<R, Exception> callback) {
    try {
      return jdbi.withHandle(callback);
    } catch (Exception e) {
      throw errors.translate(operation, e);
    }
  }

  <R> R inTransaction(String operation, HandleCallback<R, Exception> callback) {
    try {
      return jdbi.inTransaction(callback);
    } catch (Exception e) {
      throw errors.translate(operation, e);
    }
  }

  static void checkLimit(String field, int limit) {
    dev.alchemist.core.Checks.inRange(field, limit, 1, 10_000);
  }
}
