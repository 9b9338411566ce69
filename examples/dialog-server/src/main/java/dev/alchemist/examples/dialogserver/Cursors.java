package dev.alchemist.examples.dialogserver;

import dev.alchemist.store.MessageCursor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The keyset cursor on the wire: {@code <ISO-8601 instant>_<message id>}, such as {@code
 * 2026-01-01T10:00:00.123456Z_6f1c...}. Opaque to clients: they pass back the {@code next} of a
 * page.
 */
final class Cursors {
  private Cursors() {}

  static String format(MessageCursor cursor) {
    return cursor.timestamp() + "_" + cursor.id();
  }

  /** The cursor; a 400 if {@code text} is not one. */
  static MessageCursor parse(String text) {
    int split = text.lastIndexOf('_');
    if (split <= 0 || text.length() > 100) {
      throw JsonBodies.badRequest("'before' is not a cursor of this API");
    }
    try {
      return new MessageCursor(
          Instant.parse(text.substring(0, split)), UUID.fromString(text.substring(split + 1)));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw JsonBodies.badRequest("'before' is not a cursor of this API");
    }
  }
}
