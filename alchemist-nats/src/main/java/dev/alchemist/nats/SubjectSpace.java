package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import dev.alchemist.core.DomainEvent;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subjects under one root: {@code {root}.{domain}.{entity}.{event}}. The default space has the
 * root {@code cim}, as in the performance guide; tests and multi-tenant hosts use their own root
 * (e.g. {@code SubjectSpace.of("tenant_a.cim")}).
 *
 * <pre>{@code
 * SubjectSpace cim = SubjectSpace.defaultSpace();
 * Subject created = cim.subject("dialog", "message", "created"); // cim.dialog.message.created
 * SubjectPattern allCreations = cim.pattern("*.*.created");       // cim.*.*.created
 * SubjectPattern dialog = cim.pattern("dialog.>");                // cim.dialog.>
 * }</pre>
 *
 * <p>Subjects are cached per space: a repeated {@link #subject} call is three hash lookups of the
 * given strings and allocates nothing. The cache holds at most {@value #MAX_CACHED} subjects;
 * beyond that, subjects are still returned (validated) but built afresh, so a flood of distinct
 * tokens cannot grow memory without bound.
 *
 * <p>Thread-safe. Holds no resources, so there is nothing to close.
 */
public final class SubjectSpace {
  /** The root of the default space. */
  public static final String DEFAULT_ROOT = "cim";

  /** Most subjects one space caches. */
  public static final int MAX_CACHED = 65_536;

  private static final SubjectSpace DEFAULT = new SubjectSpace(DEFAULT_ROOT);

  private final String root;
  private final int rootTokens;
  private final SubjectPattern all;
  private final ConcurrentMap<String, ConcurrentMap<String, ConcurrentMap<String, Subject>>> cache =
      new ConcurrentHashMap<>();
  private final AtomicInteger cached = new AtomicInteger();

  private SubjectSpace(String root) {
    this.root = root;
    this.rootTokens = root.split("\\.", -1).length;
    this.all = SubjectPattern.parse(root + ".>");
  }

  /** The space with root {@code cim}. */
  public static SubjectSpace defaultSpace() {
    return DEFAULT;
  }

  /**
   * The space with the given root: one or more dot-separated tokens of {@code [a-z0-9_-]}, leaving
   * room for the three event tokens within NATS' 16 tokens.
   *
   * @throws IllegalArgumentException if the root is not such tokens
   */
  public static SubjectSpace of(String root) {
    Checks.notNull("root", root);
    if (root.equals(DEFAULT_ROOT)) {
      return DEFAULT;
    }
    int tokens = SubjectRules.check("root", root, false);
    for (String token : root.split("\\.", -1)) {
      Checks.token("root token", token);
    }
    if (tokens > SubjectRules.MAX_TOKENS - 3) {
      throw new IllegalArgumentException(
          "root must have at most "
              + (SubjectRules.MAX_TOKENS - 3)
              + " tokens but had "
              + tokens
              + ": '"
              + root
              + "'");
    }
    return new SubjectSpace(root);
  }

  /** The root, e.g. {@code cim}. */
  public String root() {
    return root;
  }

  /**
   * The subject {@code {root}.{domain}.{entity}.{event}}; cached, see the class docs.
   *
   * @throws IllegalArgumentException if a token is not 1 to 64 characters of {@code [a-z0-9_-]} or
   *     the subject would be longer than 255 characters
   */
  public Subject subject(String domain, String entity, String event) {
    ConcurrentMap<String, ConcurrentMap<String, Subject>> byEntity = cache.get(domain);
    if (byEntity != null) {
      ConcurrentMap<String, Subject> byEvent = byEntity.get(entity);
      if (byEvent != null) {
        Subject hit = byEvent.get(event);
        if (hit != null) {
          return hit;
        }
      }
    }
    Subject fresh = create(domain, entity, event);
    if (cached.get() >= MAX_CACHED) {
      return fresh;
    }
    Subject winner =
        cache
            .computeIfAbsent(domain, d -> new ConcurrentHashMap<>())
            .computeIfAbsent(entity, e -> new ConcurrentHashMap<>())
            .putIfAbsent(event, fresh);
    if (winner != null) {
      return winner;
    }
    cached.incrementAndGet();
    return fresh;
  }

  /** The subject of {@code event}: its domain, entity and type under this root. */
  public Subject subject(DomainEvent event) {
    return subject(event.domain(), event.entity(), event.type());
  }

  /**
   * A pattern relative to this root: {@code pattern("*.*.created")} is {@code cim.*.*.created}.
   *
   * @throws IllegalArgumentException if the result is not a valid pattern
   */
  public SubjectPattern pattern(String relative) {
    Checks.notNull("pattern", relative);
    return SubjectPattern.parse(root + '.' + relative);
  }

  /** {@code {root}.>}: every subject of this space. */
  public SubjectPattern all() {
    return all;
  }

  /** Whether {@code subject} lies under this root. */
  public boolean contains(Subject subject) {
    return subject.root().equals(root);
  }

  /** Number of subjects in the cache. */
  public int cachedSubjects() {
    return cached.get();
  }

  private Subject create(String domain, String entity, String event) {
    Checks.token("domain", domain);
    Checks.token("entity", entity);
    Checks.token("event", event);
    int length = root.length() + domain.length() + entity.length() + event.length() + 3;
    if (length > SubjectRules.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "subject must be at most "
              + SubjectRules.MAX_LENGTH
              + " characters but "
              + root
              + "."
              + domain
              + "."
              + entity
              + "."
              + event
              + " has "
              + length);
    }
    assert rootTokens + 3 <= SubjectRules.MAX_TOKENS;
    return new Subject(root, domain, entity, event);
  }

  /** {@code SubjectSpace[cim]}. */
  @Override
  public String toString() {
    return "SubjectSpace[" + root + "]";
  }
}
