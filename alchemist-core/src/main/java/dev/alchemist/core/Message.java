package dev.alchemist.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/**
 * One message of a {@link Dialog}.
 *
 * <p>{@code (timestamp, id)} orders messages totally: the id breaks ties between messages written
 * in the same instant, which keyset paging relies on.
 *
 * @param id the message's identity
 * @param dialogId the dialog it belongs to
 * @param role who wrote it
 * @param content its text; may be empty (a tool call without text), at most {@value
 *     #MAX_CONTENT_LENGTH} characters
 * @param timestamp when it was written
 * @param tokenCount how many model tokens the content holds, 0 if unknown
 */
public record Message(
    UUID id, UUID dialogId, MessageRole role, String content, Instant timestamp, int tokenCount)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Longest content the model accepts: 1 Mi characters. */
  public static final int MAX_CONTENT_LENGTH = 1 << 20;

  public Message {
    Checks.notNull("id", id);
    Checks.notNull("dialogId", dialogId);
    Checks.notNull("role", role);
    Checks.notNull("content", content);
    Checks.inRange("content length", content.length(), 0, MAX_CONTENT_LENGTH);
    Checks.notNull("timestamp", timestamp);
    Checks.notNegative("tokenCount", tokenCount);
  }

  /** A new message with a random id. */
  public static Message of(
      UUID dialogId, MessageRole role, String content, Instant timestamp, int tokenCount) {
    return new Message(UUID.randomUUID(), dialogId, role, content, timestamp, tokenCount);
  }
}
