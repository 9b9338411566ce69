package dev.alchemist.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened in a domain: {@code cim.{domain}.{entity}.{type}} on NATS, a row of the
 * {@code events} table, a count in {@link DomainStats}.
 *
 * @param id the event's identity; publishers use it as the NATS message id, so a retried publish is
 *     stored once
 * @param domain e.g. {@code dialog}; a token of {@code [a-z0-9_-]}
 * @param entity e.g. {@code message}; a token of {@code [a-z0-9_-]}
 * @param type e.g. {@code created}; a token of {@code [a-z0-9_-]}
 * @param sessionId the session it happened in, or null when there is none
 * @param createdAt when it happened
 * @param payload the event's body as UTF-8 text (JSON by convention), possibly empty, at most
 *     {@value #MAX_PAYLOAD_LENGTH} characters
 */
public record DomainEvent(
    UUID id,
    String domain,
    String entity,
    String type,
    @Nullable String sessionId,
    Instant createdAt,
    String payload)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Longest payload the model accepts: 512 Ki characters, within NATS' 1 MB message limit. */
  public static final int MAX_PAYLOAD_LENGTH = 512 * 1024;

  /** Longest session id the model accepts. */
  public static final int MAX_SESSION_ID_LENGTH = 256;

  public DomainEvent {
    Checks.notNull("id", id);
    Checks.token("domain", domain);
    Checks.token("entity", entity);
    Checks.token("type", type);
    if (sessionId != null) {
      Checks.notBlank("sessionId", sessionId);
      Checks.inRange("sessionId length", sessionId.length(), 1, MAX_SESSION_ID_LENGTH);
    }
    Checks.notNull("createdAt", createdAt);
    Checks.notNull("payload", payload);
    Checks.inRange("payload length", payload.length(), 0, MAX_PAYLOAD_LENGTH);
  }

  /** A new event with a random id. */
  public static DomainEvent of(
      String domain,
      String entity,
      String type,
      @Nullable String sessionId,
      Instant createdAt,
      String payload) {
    return new DomainEvent(UUID.randomUUID(), domain, entity, type, sessionId, createdAt, payload);
  }
}
