package dev.alchemist.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/**
 * A conversation between one user and a model.
 *
 * @param id the dialog's identity
 * @param userId the owning user, as the host application names users (opaque, 1 to 256 chars)
 * @param title a human-readable title, possibly empty
 * @param createdAt when the dialog was opened
 * @param updatedAt when the dialog last changed; never before {@code createdAt}
 */
public record Dialog(UUID id, String userId, String title, Instant createdAt, Instant updatedAt)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Longest user id the model accepts. */
  public static final int MAX_USER_ID_LENGTH = 256;

  /** Longest title the model accepts. */
  public static final int MAX_TITLE_LENGTH = 1024;

  public Dialog {
    Checks.notNull("id", id);
    Checks.notBlank("userId", userId);
    Checks.inRange("userId length", userId.length(), 1, MAX_USER_ID_LENGTH);
    Checks.notNull("title", title);
    Checks.inRange("title length", title.length(), 0, MAX_TITLE_LENGTH);
    Checks.notNull("createdAt", createdAt);
    Checks.notNull("updatedAt", updatedAt);
    if (updatedAt.isBefore(createdAt)) {
      throw new IllegalArgumentException(
          "updatedAt (" + updatedAt + ") must not be before createdAt (" + createdAt + ")");
    }
  }

  /** A new dialog created and updated at {@code now}, with a random id. */
  public static Dialog open(String userId, String title, Instant now) {
    return new Dialog(UUID.randomUUID(), userId, title, now, now);
  }

  /** This dialog, updated at {@code at}. */
  public Dialog touchedAt(Instant at) {
    return new Dialog(id, userId, title, createdAt, at);
  }
}
