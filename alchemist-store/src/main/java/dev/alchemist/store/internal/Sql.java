package dev.alchemist.store.internal;

import dev.alchemist.store.Dialect;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The one path every repository call takes to the database: a handle for the duration of the
 * callback, its failure translated. Callbacks must fully read what they query (lists, optionals),
 * so the handle and its connection are back in the pool when the call returns.
 *
 * <p>When a call fails because its connection broke (SQLState class 08, or 57P01-03: the server
 * restarted or shut the session down), every connection the pool holds is suspect: they are
 * evicted, so the next call gets a fresh one. A {@linkplain #read read} is then tried once more,
 * which is what makes the first query after a database restart succeed; a write is not, since it
 * may have been applied before its connection broke, and fails with {@code
 * DatabaseUnavailableException}.
 */
final class Sql {
  final Jdbi jdbi;
  final Dialect dialect;
  final int chunkSize;
  private final SqlErrors errors;
  private final BooleanSupplier closed;
  private final Runnable evictConnections;

  Sql(
      Jdbi jdbi,
      Dialect dialect,
      int chunkSize,
      SqlErrors errors,
      BooleanSupplier closed,
      Runnable evictConnections) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.chunkSize = chunkSize;
    this.errors = errors;
    this.closed = closed;
    this.evictConnections = evictConnections;
  }

  /**
   * A query without side effects: tried once more on a fresh connection if its connection broke.
   */
  <R> R read(String operation, HandleCallback<R, Exception> callback) {
    checkOpen();
    try {
      return jdbi.withHandle(callback);
    } catch (Exception e) {
      if (!connectionLost(e)) {
        throw errors.translate(operation, e);
      }
    }
    try {
      return jdbi.withHandle(callback);
    } catch (Exception e) {
      connectionLost(e);
      throw errors.translate(operation, e);
    }
  }

  /** A statement that changes data, in auto-commit; never repeated. */
  <R> R withHandle(String operation, HandleCallback<R, Exception> callback) {
    checkOpen();
    try {
      return jdbi.withHandle(callback);
    } catch (Exception e) {
      connectionLost(e);
      throw errors.translate(operation, e);
    }
  }

  /** Statements in one transaction; never repeated. */
  <R> R inTransaction(String operation, HandleCallback<R, Exception> callback) {
    return inTransaction(() -> operation, callback);
  }

  /**
   * As {@link #inTransaction(String, HandleCallback)}, with the operation's description (which
   * names the rows of a batch) built only when it fails.
   */
  <R> R inTransaction(Supplier<String> operation, HandleCallback<R, Exception> callback) {
    checkOpen();
    try {
      return jdbi.inTransaction(callback);
    } catch (Exception e) {
      connectionLost(e);
      throw errors.translate(operation.get(), e);
    }
  }

  private boolean connectionLost(Exception e) {
    if (!SqlErrors.isConnectionLost(e)) {
      return false;
    }
    evictConnections.run();
    return true;
  }

  /** After close, one behaviour for every call instead of whatever the closed pool says. */
  private void checkOpen() {
    if (closed.getAsBoolean()) {
      throw new IllegalStateException("database is closed");
    }
  }

  static void checkLimit(String field, int limit) {
    dev.alchemist.core.Checks.inRange(field, limit, 1, 10_000);
  }
}
