package dev.alchemist.core;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The recent messages of one dialog, oldest first: what a dialog API reads on every turn and what
 * the cache keeps for five minutes.
 *
 * @param dialogId the dialog
 * @param messages its messages, oldest first, all of {@code dialogId}; an immutable copy
 */
public record DialogHistory(UUID dialogId, List<Message> messages) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public DialogHistory {
    Checks.notNull("dialogId", dialogId);
    Checks.notNull("messages", messages);
    messages = List.copyOf(messages);
    Message previous = null;
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (!message.dialogId().equals(dialogId)) {
        throw new IllegalArgumentException(
            "messages[" + i + "] belongs to dialog " + message.dialogId() + ", not to " + dialogId);
      }
      if (previous != null && message.timestamp().isBefore(previous.timestamp())) {
        throw new IllegalArgumentException(
            "messages must be oldest first, but messages["
                + i
                + "] ("
                + message.timestamp()
                + ") is before messages["
                + (i - 1)
                + "] ("
                + previous.timestamp()
                + ")");
      }
      previous = message;
    }
  }

  /** An empty history. */
  public static DialogHistory empty(UUID dialogId) {
    return new DialogHistory(dialogId, List.of());
  }

  /** This history with {@code message} appended, keeping at most {@code limit} newest messages. */
  public DialogHistory append(Message message, int limit) {
    Checks.positive("limit", limit);
    int keep = Math.min(messages.size(), limit - 1);
    List<Message> next = new ArrayList<>(keep + 1);
    next.addAll(messages.subList(messages.size() - keep, messages.size()));
    next.add(message);
    return new DialogHistory(dialogId, next);
  }

  /** Number of messages. */
  public int size() {
    return messages.size();
  }
}
