package dev.alchemist.store.internal;

import java.io.Serial;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Driver failures without the user's data or secrets in them, for our messages and the causes we
 * chain. The texts of pgjdbc, H2, Jdbi and HikariCP carry bound values (pgjdbc's "Batch entry 0
 * INSERT ... VALUES (...) was aborted" on its first line, Jdbi's statement context, H2's "SQL
 * statement" and key values) and sometimes a host name with a password in it. We keep what helps an
 * operator (the exception's class, SQLState, vendor code, stack trace, the server's one-line
 * reason) and drop the rest: a copy of every exception in the chain, never the original, so no
 * caller, logger or serializer can reach the original text.
 */
final class Scrubbed {
  static final int MAX_TEXT = 300;
  private static final int MAX_CHAIN = 16;
  // pgjdbc: "Batch entry 3 INSERT INTO ... VALUES (...) was aborted: ERROR: ..."
  private static final Pattern BATCH_ENTRY =
      Pattern.compile("(Batch entry \\d+) .*? (was aborted)");
  // SQL string literals, as in statements and H2's key values: 'text', with '' inside
  private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'");
  // user:secret@ where no // precedes it (pgjdbc's host name "alice:secret@127.0.0.1")
  private static final Pattern BARE_USER_INFO = Pattern.compile("([\\w.%+-]+):[^\\s@/'\"]+@");

  private Scrubbed() {}

  /** The first line of {@code text} without bound values, statements or passwords. */
  static String text(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    int newline = text.indexOf('\n');
    String first = newline < 0 ? text : text.substring(0, newline);
    first = cutAt(first, "; SQL statement:"); // H2
    first = cutAt(first, " [statement:"); // Jdbi's statement context
    first = BATCH_ENTRY.matcher(first).replaceAll("$1 $2");
    first = QUOTED.matcher(first).replaceAll("'?'");
    first = Urls.redact(first);
    first = BARE_USER_INFO.matcher(first).replaceAll("$1:***@");
    first = first.strip();
    return first.length() <= MAX_TEXT ? first : first.substring(0, MAX_TEXT - 3) + "...";
  }

  /** A scrubbed copy of {@code failure} with its causes, suppressed and next exceptions. */
  static Throwable copy(Throwable failure) {
    return copy(failure, new IdentityHashMap<>(), 0);
  }

  private static Throwable copy(Throwable original, Map<Throwable, Throwable> done, int depth) {
    Throwable existing = done.get(original);
    if (existing != null) {
      return existing;
    }
    String type = original.getClass().getName();
    String text = text(original.getMessage());
    Throwable copy;
    if (original instanceof SQLException sql) {
      copy = new ScrubbedSqlException(type, text, sql.getSQLState(), sql.getErrorCode());
    } else {
      copy = new ScrubbedException(type, text);
    }
    copy.setStackTrace(original.getStackTrace());
    done.put(original, copy);
    if (depth < MAX_CHAIN) {
      Throwable cause = original.getCause();
      if (cause != null && cause != original) {
        copy.initCause(copy(cause, done, depth + 1));
      }
      if (original instanceof SQLException sql && copy instanceof SQLException sqlCopy) {
        SQLException next = sql.getNextException();
        if (next != null) { // often also the cause: then the same copy is both
          sqlCopy.setNextException((SQLException) copy(next, done, depth + 1));
        }
      }
      for (Throwable suppressed : original.getSuppressed()) {
        copy.addSuppressed(copy(suppressed, done, depth + 1));
      }
    }
    return copy;
  }

  /** Stands in for a driver's SQLException: same SQLState and vendor code, scrubbed text. */
  static final class ScrubbedSqlException extends SQLException {
    @Serial private static final long serialVersionUID = 1L;
    private final String type;

    ScrubbedSqlException(String type, String text, @Nullable String state, int vendorCode) {
      super(text, state, vendorCode);
      this.type = type;
    }

    @Override
    public String toString() {
      return type + ": " + getMessage();
    }
  }

  /** Stands in for any other exception in a driver failure's chain. */
  static final class ScrubbedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;
    private final String type;

    ScrubbedException(String type, String text) {
      super(text);
      this.type = type;
    }

    @Override
    public String toString() {
      return type + ": " + getMessage();
    }
  }

  private static String cutAt(String text, String marker) {
    int at = text.indexOf(marker);
    return at < 0 ? text : text.substring(0, at);
  }
}
