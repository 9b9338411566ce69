package dev.alchemist.store;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything logged while open: SLF4J (slf4j-simple writes to {@code System.err}, looked up at each
 * write, so HikariCP, Flyway, Jdbi and our own loggers) and java.util.logging at every level
 * (pgjdbc logs there), each record with its throwable's stack trace and messages.
 */
final class CapturedLogs implements AutoCloseable {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream originalErr = System.err;
  private final Logger julRoot = Logger.getLogger("");
  private final Logger pgjdbc = Logger.getLogger("org.postgresql");
  private final Level pgjdbcLevel = pgjdbc.getLevel();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (captured) {
            PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
            out.println(record.getLevel() + " " + record.getLoggerName() + " " + message(record));
            if (record.getThrown() != null) {
              record.getThrown().printStackTrace(out);
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  CapturedLogs() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            originalErr.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (captured) {
              captured.write(b, off, len);
            }
            originalErr.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    handler.setLevel(Level.ALL);
    julRoot.addHandler(handler);
    pgjdbc.setLevel(Level.FINE);
  }

  private static String message(LogRecord record) {
    String text = record.getMessage();
    Object[] parameters = record.getParameters();
    if (text != null && parameters != null) {
      try {
        text = java.text.MessageFormat.format(text, parameters);
      } catch (IllegalArgumentException e) {
        // keep the raw pattern
      }
    }
    return String.valueOf(text);
  }

  /** What was logged so far. */
  String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    System.setErr(originalErr);
    julRoot.removeHandler(handler);
    pgjdbc.setLevel(pgjdbcLevel);
  }
}
