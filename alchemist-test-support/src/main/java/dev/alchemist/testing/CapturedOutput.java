package dev.alchemist.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a test prints, for tests that check no secret reaches a log: everything written to
 * {@code System.out} and {@code System.err} (where the tests' slf4j-simple binding writes) while it
 * is open, still passed through, and every java.util.logging record (jnats and the JDK log there),
 * with parameters and stack traces.
 *
 * <pre>{@code
 * try (CapturedOutput output = CapturedOutput.start()) {
 *   ... connect with a wrong password ...
 *   assertThat(output.text()).doesNotContain(password);
 * }
 * }</pre>
 *
 * <p>Not for tests that run in parallel in one JVM: the streams are global.
 */
public final class CapturedOutput implements AutoCloseable {
  private final ByteArrayOutputStream streams = new ByteArrayOutputStream();
  private final List<String> records = new CopyOnWriteArrayList<>();
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          StringWriter text = new StringWriter();
          text.append(String.valueOf(record.getMessage()));
          if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
              text.append(' ').append(String.valueOf(p));
            }
          }
          if (record.getThrown() != null) {
            record.getThrown().printStackTrace(new PrintWriter(text));
          }
          records.add(text.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private CapturedOutput() {
    System.setOut(new PrintStream(new Tee(originalOut, streams), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, streams), true, StandardCharsets.UTF_8));
    Logger.getLogger("").addHandler(handler);
  }

  /** Starts capturing. */
  public static CapturedOutput start() {
    return new CapturedOutput();
  }

  /** Everything captured so far: stdout and stderr, then the java.util.logging records. */
  public String text() {
    List<String> parts = new ArrayList<>();
    synchronized (streams) {
      parts.add(streams.toString(StandardCharsets.UTF_8));
    }
    parts.addAll(records);
    return String.join("\n", parts);
  }

  /**
   * Everything a caller could print of {@code failure}: its stack trace with every cause and
   * suppressed exception, and each link's message and {@code toString()}.
   */
  public static String everythingOf(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 64; t = t.getCause(), depth++) {
      out.append('\n').append(String.valueOf(t.getMessage())).append('\n').append(t.toString());
    }
    return out.toString();
  }

  /** Restores the streams and removes the log handler. */
  @Override
  public void close() {
    Logger.getLogger("").removeHandler(handler);
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  /** Writes to the original stream and to the capture. */
  private static final class Tee extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream copy;

    Tee(PrintStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int b) {
      original.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }
  }
}
