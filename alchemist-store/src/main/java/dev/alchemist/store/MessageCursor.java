package dev.alchemist.store;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Message;
import java.time.Instant;
import java.util.UUID;

/**
 * A position between two messages of a dialog, in the total order {@code (timestamp, id)}: the
 * keyset that pages continue from. Unlike an offset it stays valid while messages are inserted, and
 * seeking to it costs the same however deep it lies.
 *
 * @param timestamp the timestamp of the message the cursor sits at
 * @param id the id of that message, the tiebreak between equal timestamps
 */
public record MessageCursor(Instant timestamp, UUID id) {
  public MessageCursor {
    Checks.notNull("timestamp", timestamp);
    Checks.notNull("id", id);
  }

  /** The cursor sitting at {@code message}. */
  public static MessageCursor at(Message message) {
    Checks.notNull("message", message);
    return new MessageCursor(message.timestamp(), message.id());
  }
}
