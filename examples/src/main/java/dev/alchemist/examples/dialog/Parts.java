package dev.alchemist.examples.dialog;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a component built, closed in reverse order of creation: what feeds another part is
 * created after it, so it is closed before it. A close that fails is logged and the rest still
 * close. Not thread-safe: build and close from one thread.
 */
final class Parts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Parts.class);

  private final Deque<AutoCloseable> created = new ArrayDeque<>();

  /** Registers {@code part} and returns it. */
  <T extends AutoCloseable> T add(T part) {
    created.push(part);
    return part;
  }

  /** Closes every part, the last created first. Idempotent. */
  @Override
  public void close() {
    while (!created.isEmpty()) {
      AutoCloseable c = created.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("close failed: {}", e.toString());
      }
    }
  }
}
