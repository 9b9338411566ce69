package dev.alchemist.store.internal;

import dev.alchemist.core.TlsFailures;
import dev.alchemist.store.ConstraintViolationException;
import dev.alchemist.store.DatabaseException;
import dev.alchemist.store.DatabaseUnavailableException;
import dev.alchemist.store.PoolExhaustedException;
import dev.alchemist.store.PoolState;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns what JDBC, HikariCP and Jdbi throw into the store's exception family. Neither our message
 * nor the cause we chain carries the driver's own text: both go through {@link Scrubbed}, which
 * keeps the one-line reason, SQLState and stack trace and drops bound values, statements and
 * passwords. The cause is a scrubbed copy of the driver's chain, never the original.
 */
final class SqlErrors {

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
      return new PoolExhaustedException(poolName, state, connectionTimeout, Scrubbed.copy(failure));
    }
    if (sql == null) {
      if (find(failure, ConnectException.class) != null) {
        return unavailable(failure);
      }
      return new DatabaseException(
          operation + " failed: " + detail(failure), null, Scrubbed.copy(failure));
    }
    String state = sql.getSQLState();
    if (state != null && state.startsWith("23")) {
      return new ConstraintViolationException(
          operation + " violated a constraint: " + detail(sql),
          ConstraintViolationException.Kind.ofSqlState(state),
          state,
          Scrubbed.copy(failure));
    }
    if (isUnavailable(state)) {
      return unavailable(failure);
    }
    return new DatabaseException(
        operation + " failed (SQLState " + state + "): " + detail(sql),
        state,
        Scrubbed.copy(failure));
  }

  /**
   * Whether {@code failure} says the connection in use broke (the server restarted, the network
   * dropped) as opposed to the pool having none to give: then other pooled connections are suspect
   * too, and a read may be tried again on a fresh one.
   */
  static boolean isConnectionLost(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException timeout && isPoolTimeout(timeout)) {
        return false;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P0"))) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** For failures while the pool starts: the database is unreachable or refuses the login. */
  DatabaseUnavailableException unavailable(Throwable failure) {
    SQLException sql = find(failure, SQLException.class);
    String state = sql == null ? null : sql.getSQLState();
    Throwable root = sql != null ? sql : failure;
    // pgjdbc's TLS messages name JDK internals ("PKIX path building failed"); say what is wrong.
    String tls = TlsFailures.reason(failure);
    String detail = tls == null ? detail(root) : tls + " (" + detail(root) + ")";
    return new DatabaseUnavailableException(safeUrl, detail, state, Scrubbed.copy(failure));
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
    String text = Scrubbed.text(failure.getMessage());
    return text.isEmpty() ? failure.getClass().getSimpleName() : text;
  }
}
