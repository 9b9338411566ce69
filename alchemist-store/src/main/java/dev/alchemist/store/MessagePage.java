package dev.alchemist.store;

import dev.alchemist.core.Message;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One keyset page of a dialog's messages.
 *
 * @param messages the page, always oldest first, whichever direction it was read in
 * @param next where the next page in the same direction starts, or null when this page reached the
 *     end (fewer messages than asked for)
 */
public record MessagePage(List<Message> messages, @Nullable MessageCursor next) {
  public MessagePage {
    messages = List.copyOf(messages);
  }

  /** {@link #next()} as an Optional. */
  public Optional<MessageCursor> nextCursor() {
    return Optional.ofNullable(next);
  }
}
