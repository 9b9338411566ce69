package dev.alchemist.store.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL {@code COPY ... FROM STDIN} in CSV: the fastest way in, one round trip per 64 KiB
 * instead of one per batch. Runs inside the caller's transaction; a failure ends the COPY and the
 * transaction rolls back, so a load is all or nothing.
 */
final class CopyLoader {
  private static final int FLUSH_BYTES = 64 * 1024;

  long copyMessages(Handle h, Iterable<Message> messages) throws SQLException {
    return copy(
        h,
        "COPY messages (" + JdbiMessageRepository.COLUMNS + ") FROM STDIN (FORMAT csv)",
        messages,
        (m, out) -> {
          out.append(m.id()).append(',').append(m.dialogId()).append(',').append(m.role().name());
          out.append(',');
          quote(out, m.content());
          out.append(',').append(m.timestamp()).append(',').append(m.tokenCount());
        });
  }

  /** COPY into {@code table}, a table name of the library's own (never input). */
  long copyEvents(Handle h, Iterable<DomainEvent> events, String table) throws SQLException {
    return copy(
        h,
        "COPY " + table + " (" + JdbiEventRepository.COLUMNS + ") FROM STDIN (FORMAT csv)",
        events,
        (e, out) -> {
          out.append(e.id()).append(',').append(e.domain()).append(',').append(e.entity());
          out.append(',').append(e.type()).append(',');
          quoteNullable(out, e.sessionId());
          out.append(',').append(e.createdAt()).append(',');
          quote(out, e.payload());
        });
  }

  private interface RowWriter<T> {
    void write(T row, StringBuilder out);
  }

  private static <T> long copy(Handle h, String sql, Iterable<T> rows, RowWriter<T> writer)
      throws SQLException {
    PGConnection pg = h.getConnection().unwrap(PGConnection.class);
    CopyIn in = pg.getCopyAPI().copyIn(sql);
    long count = 0;
    try {
      StringBuilder buffer = new StringBuilder(FLUSH_BYTES + 1024);
      for (T row : rows) {
        Checks.notNull("row", row);
        writer.write(row, buffer);
        buffer.append('\n');
        count++;
        if (buffer.length() >= FLUSH_BYTES) {
          send(in, buffer);
        }
      }
      send(in, buffer);
      in.endCopy();
      return count;
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void send(CopyIn in, StringBuilder buffer) throws SQLException {
    if (buffer.length() > 0) {
      byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      buffer.setLength(0);
    }
  }

  /** CSV: always quoted, so an empty string stays an empty string rather than NULL. */
  private static void quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }

  /** CSV: an unquoted empty field is NULL. */
  private static void quoteNullable(StringBuilder out, @Nullable String value) {
    if (value != null) {
      quote(out, value);
    }
  }
}
