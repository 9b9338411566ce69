package dev.alchemist.nats;

import org.jspecify.annotations.Nullable;

/**
 * A publish subject {@code {root}.{domain}.{entity}.{event}}, such as {@code
 * cim.dialog.message.created}.
 *
 * <p>Obtain instances from a {@link SubjectSpace} ({@link #of} uses the default root {@code cim}).
 * The space caches them, so asking again for the same tokens returns the same instance without
 * allocating: subjects can be built on the hot path. Tokens follow the recommended alphabet {@code
 * [a-z0-9_-]} (see {@link dev.alchemist.core.Checks#token}); the whole subject obeys the NATS rules
 * (at most 16 tokens and 255 characters).
 *
 * <p>Immutable and thread-safe. Two subjects are equal when their strings are.
 */
public final class Subject {
  private final String root;
  private final String domain;
  private final String entity;
  private final String event;
  private final String value;
  private final String eventType;

  Subject(String root, String domain, String entity, String event) {
    this.root = root;
    this.domain = domain;
    this.entity = entity;
    this.event = event;
    this.eventType = domain + '.' + entity + '.' + event;
    this.value = root + '.' + eventType;
  }

  /**
   * The subject {@code cim.{domain}.{entity}.{event}} of the default space.
   *
   * @throws IllegalArgumentException if a token is not 1 to 64 characters of {@code [a-z0-9_-]}
   */
  public static Subject of(String domain, String entity, String event) {
    return SubjectSpace.defaultSpace().subject(domain, entity, event);
  }

  /**
   * Returns {@code subject} if it is a valid NATS publish subject: no empty token, no whitespace or
   * control character, no {@code *} or {@code >}, no token starting with {@code $}, at most 16
   * tokens and 255 characters.
   *
   * @throws IllegalArgumentException naming the broken rule and the subject
   */
  public static String validate(String subject) {
    SubjectRules.check("subject", subject, false);
    return subject;
  }

  /** Whether {@code subject} is a valid publish subject (see {@link #validate}); never throws. */
  public static boolean isValid(String subject) {
    return subject != null && SubjectRules.isValidPublish(subject);
  }

  /** The root, e.g. {@code cim}; may itself have several tokens, e.g. {@code prod.cim}. */
  public String root() {
    return root;
  }

  /** The domain token, e.g. {@code dialog}. */
  public String domain() {
    return domain;
  }

  /** The entity token, e.g. {@code message}. */
  public String entity() {
    return entity;
  }

  /** The event token, e.g. {@code created}. */
  public String event() {
    return event;
  }

  /**
   * {@code {domain}.{entity}.{event}} without the root, e.g. {@code dialog.message.created}; sent
   * as the event-type header.
   */
  public String eventType() {
    return eventType;
  }

  /** The subject string, e.g. {@code cim.dialog.message.created}. */
  @Override
  public String toString() {
    return value;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return this == other || (other instanceof Subject s && value.equals(s.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
