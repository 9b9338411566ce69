package dev.alchemist.core.store.internal;

import dev.alchemist.core.store.ConstraintViolationException;
import dev.alchemist.core.store.DatabaseException;
import dev.alchemist.core.store.DatabaseUnavailableException;
import dev.alchemist.core.store.PoolExhaustedException;
import dev.alchemist.core.store.PoolState;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns what JDBC, HikariCP and Jdbi throw into the store's exception family. The driver's message
 * is kept to its first line: later lines (pgjdbc's "Detail", H2's "SQL statement") repeat bound
 * values.
 */
final class SqlErrors {
  private static final int MAX_DETAIL = 300;

  private final String safeUrl;
  private final String poolName;
  private final Duration connectionTimeout;
  private final Supplier<Optional<PoolState>> poolState;

  SqlErrors(
      String safeUrl,
      String poolName,
      Duration connectionTimeout,
      Supplier<Optional<PoolState>> poolState) {
    this.safeUrl = safeUrl;
    this.poolName = poolName;
    this.connectionTimeout = connectionTimeout;
    this.poolState = poolState;
  }

  DatabaseException translate(String operation, Throwable failure) {
    if (failure instanceof DatabaseException known) {
      return known;
    }
    SQLException sql = find(failure, SQLException.class);
    if (sql instanceof SQLTransientConnectionException timeout && isPoolTimeout(timeout)) {
      // HikariCP attaches the last failure to create a connection as the cause: if there is one,
      // the database is the problem, not the pool's size.
      Throwable lastFailure = timeout.getCause();
      if (lastFailure != null) {
        return unavailable(lastFailure);
      }
      PoolState state = poolState.get().orElse(new PoolState(-1, -1, -1, -1));
      return new PoolExhaustedException(poolName, state, connectionTimeout, failure);
    }
    if (sql == null) {
      if (find(failure, ConnectException.class) != null) {
        return unavailable(failure);
      }
      return new DatabaseException(operation + " failed: " + detail(failure), null, failure);
    }
    String state = sql.getSQLState();
    if (state != null && state.startsWith("23")) {
      return new ConstraintViolationException(
          operation + " violated a constraint: " + detail(sql),
          ConstraintViolationException.Kind.ofSqlState(state),
          state,
          failure);
    }
    if (isUnavailable(state)) {
      return unavailable(sql);
    }
    return new DatabaseException(
        operation + " failed (SQLState " + state + "): " + detail(sql), state, failure);
  }

  /** For failures while the pool starts: the database is unreachable or refuses the login. */
  DatabaseUnavailableException unavailable(Throwable failure) {
    SQLException sql = find(failure, SQLException.class);
    String state = sql == null ? null : sql.getSQLState();
    Throwable root = sql != null ? sql : failure;
    return new DatabaseUnavailableException(safeUrl, detail(root), state, failure);
  }

  private static boolean isPoolTimeout(SQLTransientConnectionException e) {
    String message = e.getMessage();
    return message != null && message.contains("Connection is not available");
  }

  private static boolean isUnavailable(@Nullable String state) {
    // 08: connection exception, 28: invalid authorization, 3D000: no such database,
    // 57P01-03: the server is shutting down or cannot accept connections now
    return state != null
        && (state.startsWith("08")
            || state.startsWith("28")
            || state.equals("3D000")
            || state.startsWith("57P0"));
  }

  private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String detail(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      return failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline);
    int statement = first.indexOf("; SQL statement:");
    if (statement >= 0) {
      first = first.substring(0, statement);
    }
    first = Urls.redact(first.strip());
    return first.length() <= MAX_DETAIL ? first : first.substring(0, MAX_DETAIL - 3) + "...";
  }
}
