package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The desired configuration of a JetStream stream, which a {@link StreamProvisioner} creates or
 * brings up to date.
 *
 * <p>{@link #alchemistEvents()} is the performance guide's stream: {@code ALCHEMIST-EVENTS} on
 * {@code cim.>}, limits retention, 10,000,000 messages, 10 GiB, 7 days, 1 MiB per message, file
 * storage, 3 replicas placed in cluster {@code production} on servers tagged {@code ssd} and {@code
 * fast}, and an explicit 2-minute duplicate window. {@link #forDevelopment()} keeps everything but
 * runs on one server: 1 replica, no placement.
 *
 * <p>Loadable from properties ({@link #fromProperties}), so it can live in the host's configuration
 * file next to the NATS URL.
 *
 * @param name stream name: letters, digits, {@code -} and {@code _}
 * @param subjects subjects or patterns the stream captures
 * @param retention when messages are removed
 * @param maxMessages most messages kept, or -1 for no limit
 * @param maxBytes most bytes kept, or -1 for no limit
 * @param maxAge oldest message kept, or zero for no limit
 * @param maxMessageSize largest message accepted, in bytes, or -1 for the server's limit
 * @param storage file or memory
 * @param replicas copies kept, 1 to 5
 * @param placementCluster cluster the stream must be placed in, or null for any
 * @param placementTags server tags the stream's servers must all have
 * @param duplicateWindow how long message ids are remembered for de-duplication
 * @param discard which messages go when a limit is reached
 */
public record StreamSpec(
    String name,
    List<String> subjects,
    Retention retention,
    long maxMessages,
    long maxBytes,
    Duration maxAge,
    long maxMessageSize,
    Storage storage,
    int replicas,
    @Nullable String placementCluster,
    List<String> placementTags,
    Duration duplicateWindow,
    Discard discard) {

  /** The guide's stream name. */
  public static final String DEFAULT_NAME = "ALCHEMIST-EVENTS";

  /** The duplicate window of {@link #alchemistEvents()}. */
  public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

  /** When a stream removes messages. */
  public enum Retention {
    /** Keep until a limit (count, bytes, age) is reached. */
    LIMITS,
    /** Keep while a consumer is interested. */
    INTEREST,
    /** Keep until one consumer acknowledges. */
    WORK_QUEUE
  }

  /** Where a stream keeps its messages. */
  public enum Storage {
    FILE,
    MEMORY
  }

  /** Which messages a full stream drops. */
  public enum Discard {
    /** Drop the oldest messages. */
    OLD,
    /** Refuse new messages. */
    NEW
  }

  /** Fields a running stream cannot change; drift in them fails provisioning. */
  public static final Set<String> IMMUTABLE_FIELDS = Set.of("storage", "retention");

  public StreamSpec {
    Checks.notBlank("name", name);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_') || c > 0x7e) {
        throw new IllegalArgumentException(
            "name must be letters, digits, '-' and '_' but was '" + name + "'");
      }
    }
    Checks.notNull("subjects", subjects);
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("subjects must not be empty");
    }
    subjects = List.copyOf(subjects);
    for (String subject : subjects) {
      SubjectPattern.parse(subject);
    }
    Checks.notNull("retention", retention);
    atLeastMinusOne("maxMessages", maxMessages);
    atLeastMinusOne("maxBytes", maxBytes);
    Checks.notNull("maxAge", maxAge);
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative but was " + maxAge);
    }
    atLeastMinusOne("maxMessageSize", maxMessageSize);
    if (maxMessageSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxMessageSize must be at most " + Integer.MAX_VALUE + " but was " + maxMessageSize);
    }
    Checks.notNull("storage", storage);
    Checks.inRange("replicas", replicas, 1, 5);
    if (placementCluster != null) {
      Checks.notBlank("placementCluster", placementCluster);
    }
    Checks.notNull("placementTags", placementTags);
    placementTags = List.copyOf(placementTags);
    placementTags.forEach(t -> Checks.notBlank("placement tag", t));
    Checks.positive("duplicateWindow", duplicateWindow);
    Checks.notNull("discard", discard);
    if (!maxAge.isZero() && duplicateWindow.compareTo(maxAge) > 0) {
      throw new IllegalStateException(
          "duplicateWindow (" + duplicateWindow + ") must not exceed maxAge (" + maxAge + ")");
    }
  }

  private static void atLeastMinusOne(String field, long value) {
    if (value < -1 || value == 0) {
      throw new IllegalArgumentException(
          field + " must be positive, or -1 for no limit, but was " + value);
    }
  }

  /** The performance guide's stream; see the class docs. */
  public static StreamSpec alchemistEvents() {
    return builder().build();
  }

  /** A builder starting from {@link #alchemistEvents()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** This spec for a single development server: 1 replica and no placement. */
  public StreamSpec forDevelopment() {
    return toBuilder().replicas(1).noPlacement().build();
  }

  /** A builder holding this spec. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.subjects = subjects;
    b.retention = retention;
    b.maxMessages = maxMessages;
    b.maxBytes = maxBytes;
    b.maxAge = maxAge;
    b.maxMessageSize = maxMessageSize;
    b.storage = storage;
    b.replicas = replicas;
    b.placementCluster = placementCluster;
    b.placementTags = placementTags;
    b.duplicateWindow = duplicateWindow;
    b.discard = discard;
    return b;
  }

  /**
   * Reads a spec from properties under {@code prefix} (e.g. {@code "alchemist.nats.stream."}),
   * starting from {@link #alchemistEvents()} for every key that is absent. Keys (with {@code -} or
   * {@code _}): {@code name}, {@code subjects} (comma-separated), {@code retention} (limits,
   * interest, work_queue), {@code max-msgs}, {@code max-bytes} (e.g. {@code 10GB}, {@code 512MB},
   * {@code 4096}), {@code max-age} (e.g. {@code 7d}, {@code 12h}, {@code PT2M}), {@code
   * max-msg-size}, {@code storage} (file, memory), {@code replicas}, {@code placement.cluster}
   * (empty for none), {@code placement.tags} (comma-separated), {@code duplicate-window}, {@code
   * discard} (old, new).
   *
   * @throws IllegalArgumentException naming the key and the value if one is malformed or unknown
   */
  public static StreamSpec fromProperties(Properties properties, String prefix) {
    Checks.notNull("properties", properties);
    Checks.notNull("prefix", prefix);
    Builder b = builder();
    for (String rawKey : properties.stringPropertyNames()) {
      if (!rawKey.startsWith(prefix)) {
        continue;
      }
      String key = rawKey.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
      String value = properties.getProperty(rawKey).trim();
      try {
        switch (key) {
          case "name" -> b.name(value);
          case "subjects" -> b.subjects(list(value));
          case "retention" -> b.retention(Retention.valueOf(enumName(value)));
          case "max-msgs", "max-messages" -> b.maxMessages(Long.parseLong(value));
          case "max-bytes" -> b.maxBytes(Sizes.parseBytes(value));
          case "max-age" -> b.maxAge(Sizes.parseDuration(value));
          case "max-msg-size", "max-message-size" -> b.maxMessageSize(Sizes.parseBytes(value));
          case "storage" -> b.storage(Storage.valueOf(enumName(value)));
          case "replicas" -> b.replicas(Integer.parseInt(value));
          case "placement.cluster" -> {
            if (value.isEmpty()) {
              b.placementCluster = null;
            } else {
              b.placementCluster(value);
            }
          }
          case "placement.tags" -> b.placementTags(list(value));
          case "duplicate-window", "duplicates" -> b.duplicateWindow(Sizes.parseDuration(value));
          case "discard" -> b.discard(Discard.valueOf(enumName(value)));
          default -> throw new IllegalArgumentException("unknown key");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "stream property " + rawKey + "='" + value + "' is invalid: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  private static String enumName(String value) {
    return value
        .trim()
        .toUpperCase(Locale.ROOT)
        .replace('-', '_')
        .replace("WORKQUEUE", "WORK_QUEUE");
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.replace("[", "").replace("]", "").split(",")) {
      String item = part.trim().replace("\"", "").replace("'", "");
      if (!item.isEmpty()) {
        out.add(item);
      }
    }
    return out;
  }

  /** Collects a spec; setters validate, {@link #build()} checks combinations. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private List<String> subjects = List.of("cim.>");
    private Retention retention = Retention.LIMITS;
    private long maxMessages = 10_000_000L;
    private long maxBytes = 10L * 1024 * 1024 * 1024;
    private Duration maxAge = Duration.ofDays(7);
    private long maxMessageSize = 1024 * 1024;
    private Storage storage = Storage.FILE;
    private int replicas = 3;
    private @Nullable String placementCluster = "production";
    private List<String> placementTags = List.of("ssd", "fast");
    private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
    private Discard discard = Discard.OLD;

    private Builder() {}

    /** Default {@code ALCHEMIST-EVENTS}. */
    public Builder name(String name) {
      this.name = Checks.notBlank("name", name);
      return this;
    }

    /** Default {@code cim.>}. */
    public Builder subjects(String... subjects) {
      return subjects(Arrays.asList(subjects));
    }

    /** Default {@code cim.>}. */
    public Builder subjects(List<String> subjects) {
      Checks.notNull("subjects", subjects);
      subjects.forEach(SubjectPattern::parse);
      this.subjects = List.copyOf(subjects);
      return this;
    }

    /** Every subject of {@code space}: {@code {root}.>}. */
    public Builder subjects(SubjectSpace space) {
      return subjects(space.all().toString());
    }

    /** Default {@link Retention#LIMITS}. */
    public Builder retention(Retention retention) {
      this.retention = Checks.notNull("retention", retention);
      return this;
    }

    /** Default 10,000,000; -1 for no limit. */
    public Builder maxMessages(long max) {
      atLeastMinusOne("maxMessages", max);
      this.maxMessages = max;
      return this;
    }

    /** Default 10 GiB; -1 for no limit. */
    public Builder maxBytes(long max) {
      atLeastMinusOne("maxBytes", max);
      this.maxBytes = max;
      return this;
    }

    /** Default 7 days; zero for no limit. */
    public Builder maxAge(Duration age) {
      Checks.notNull("maxAge", age);
      if (age.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative but was " + age);
      }
      this.maxAge = age;
      return this;
    }

    /** Default 1 MiB; -1 for the server's limit. */
    public Builder maxMessageSize(long bytes) {
      atLeastMinusOne("maxMessageSize", bytes);
      this.maxMessageSize = bytes;
      return this;
    }

    /** Default {@link Storage#FILE}. */
    public Builder storage(Storage storage) {
      this.storage = Checks.notNull("storage", storage);
      return this;
    }

    /** Default 3. */
    public Builder replicas(int replicas) {
      this.replicas = (int) Checks.inRange("replicas", replicas, 1, 5);
      return this;
    }

    /** Default {@code production}. */
    public Builder placementCluster(String cluster) {
      this.placementCluster = Checks.notBlank("placementCluster", cluster);
      return this;
    }

    /** Default {@code ssd, fast}. */
    public Builder placementTags(List<String> tags) {
      Checks.notNull("placementTags", tags);
      tags.forEach(t -> Checks.notBlank("placement tag", t));
      this.placementTags = List.copyOf(tags);
      return this;
    }

    /** No placement cluster and no tags: any server may hold the stream. */
    public Builder noPlacement() {
      this.placementCluster = null;
      this.placementTags = List.of();
      return this;
    }

    /** Default 2 minutes. */
    public Builder duplicateWindow(Duration window) {
      this.duplicateWindow = Checks.positive("duplicateWindow", window);
      return this;
    }

    /** Default {@link Discard#OLD}. */
    public Builder discard(Discard discard) {
      this.discard = Checks.notNull("discard", discard);
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalStateException if the duplicate window exceeds the maximum age
     */
    public StreamSpec build() {
      return new StreamSpec(
          name,
          subjects,
          retention,
          maxMessages,
          maxBytes,
          maxAge,
          maxMessageSize,
          storage,
          replicas,
          placementCluster,
          placementTags,
          duplicateWindow,
          discard);
    }
  }
}
