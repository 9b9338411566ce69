package dev.alchemist.cache;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * What one cache region keeps and for how long. Immutable and thread-safe; build one with {@link
 * #builder(String)} or start from a preset with {@link #toBuilder()}.
 *
 * @param name the region name, a token of {@code [a-z0-9_-]}, part of every key and the {@code
 *     cache} tag of every metric
 * @param ttl how long an entry lives in the store
 * @param ttlJitter each entry lives {@code ttl} plus a uniformly random amount in {@code [-jitter,
 *     +jitter]}, so entries written together do not expire together; zero turns it off
 * @param cacheNulls whether a loader's {@code null} is remembered (negative caching)
 * @param nullTtl how long a remembered {@code null} lives
 * @param nearCacheSize the most entries the in-process near cache (L1) holds; 0 turns it off
 * @param nearCacheTtl the longest an entry stays in the near cache (never longer than it lives in
 *     the store)
 * @param keyVersion part of every key; bump it to abandon all entries of an incompatible shape
 * @param refreshAhead when a {@link Cache#get(Object, java.util.function.Function)} finds an entry
 *     that expires within this window, it returns it and reloads it in the background
 *     (stale-while-revalidate); zero turns it off
 * @param loadLease whether a loader takes a cross-instance lease (SET NX PX with a token) so that
 *     only one instance loads a key while the others wait for its result
 * @param leaseTtl how long a lease holds, and the longest another instance waits for it
 */
public record CachePolicy(
    String name,
    Duration ttl,
    Duration ttlJitter,
    boolean cacheNulls,
    Duration nullTtl,
    long nearCacheSize,
    Duration nearCacheTtl,
    int keyVersion,
    Duration refreshAhead,
    boolean loadLease,
    Duration leaseTtl) {

  /** The longest TTL accepted. */
  public static final Duration MAX_TTL = Duration.ofDays(365);

  /** The largest near cache accepted. */
  public static final long MAX_NEAR_CACHE_SIZE = 10_000_000;

  /** Recent messages of a dialog: 5 min, 15 s jitter, 10,000 near entries for 30 s. */
  public static final CachePolicy DIALOG_HISTORY =
      builder("dialog_history")
          .ttl(Duration.ofMinutes(5))
          .ttlJitter(Duration.ofSeconds(15))
          .nearCache(10_000, Duration.ofSeconds(30))
          .build();

  /** Answers to common queries: 1 h, 3 min jitter, 1,000 near entries for 5 min, load lease on. */
  public static final CachePolicy AI_RESPONSES =
      builder("ai_responses")
          .ttl(Duration.ofHours(1))
          .ttlJitter(Duration.ofMinutes(3))
          .nearCache(1_000, Duration.ofMinutes(5))
          .loadLease(true, Duration.ofSeconds(30))
          .build();

  /** Health and statistics per domain: 30 s, 3 s jitter, 1,000 near entries for 5 s. */
  public static final CachePolicy DOMAIN_STATUS =
      builder("domain_status")
          .ttl(Duration.ofSeconds(30))
          .ttlJitter(Duration.ofSeconds(3))
          .nearCache(1_000, Duration.ofSeconds(5))
          .build();

  /**
   * Authentication sessions: 15 min, no jitter, and no near cache, so that a revoked session never
   * lingers in another instance's memory.
   */
  public static final CachePolicy USER_SESSIONS =
      builder("user_sessions").ttl(Duration.ofMinutes(15)).build();

  /** Validates every field as the builder does; see {@link Builder}. */
  public CachePolicy {
    Checks.token("name", name);
    positiveAtMost("ttl", ttl, MAX_TTL);
    notNegative("ttlJitter", ttlJitter);
    positiveAtMost("nullTtl", nullTtl, MAX_TTL);
    Checks.inRange("nearCacheSize", nearCacheSize, 0, MAX_NEAR_CACHE_SIZE);
    positiveAtMost("nearCacheTtl", nearCacheTtl, MAX_TTL);
    Checks.inRange("keyVersion", keyVersion, 0, 1_000_000);
    notNegative("refreshAhead", refreshAhead);
    positiveAtMost("leaseTtl", leaseTtl, Duration.ofHours(1));
    if (ttlJitter.compareTo(ttl) >= 0) {
      throw new IllegalStateException(
          "ttlJitter (" + ttlJitter + ") must be less than ttl (" + ttl + ") of cache " + name);
    }
    if (!refreshAhead.isZero() && refreshAhead.compareTo(ttl.minus(ttlJitter)) >= 0) {
      throw new IllegalStateException(
          "refreshAhead ("
              + refreshAhead
              + ") must be less than ttl - ttlJitter ("
              + ttl.minus(ttlJitter)
              + ") of cache "
              + name);
    }
  }

  /** A builder for a region called {@code name}; TTL 5 min, no jitter, no near cache. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder that starts from this policy, for example to rename or tune a preset. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.ttl = ttl;
    b.ttlJitter = ttlJitter;
    b.cacheNulls = cacheNulls;
    b.nullTtl = nullTtl;
    b.nearCacheSize = nearCacheSize;
    b.nearCacheTtl = nearCacheTtl;
    b.keyVersion = keyVersion;
    b.refreshAhead = refreshAhead;
    b.loadLease = loadLease;
    b.leaseTtl = leaseTtl;
    return b;
  }

  /** Whether the region has a near cache. */
  public boolean hasNearCache() {
    return nearCacheSize > 0;
  }

  private static void positiveAtMost(String field, Duration value, Duration max) {
    Checks.positive(field, value);
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
    }
  }

  private static void notNegative(String field, Duration value) {
    Checks.notNull(field, value);
    if (value.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative but was " + value);
    }
  }

  /**
   * Builds a {@link CachePolicy}. Each setter checks its argument and throws {@link
   * IllegalArgumentException} naming the field, the value and the limit; {@link #build()} checks
   * combinations and throws {@link IllegalStateException}. Not thread-safe; reusable.
   */
  public static final class Builder {
    private String name;
    private Duration ttl = Duration.ofMinutes(5);
    private Duration ttlJitter = Duration.ZERO;
    private boolean cacheNulls;
    private Duration nullTtl = Duration.ofSeconds(30);
    private long nearCacheSize;
    private Duration nearCacheTtl = Duration.ofSeconds(30);
    private int keyVersion = 1;
    private Duration refreshAhead = Duration.ZERO;
    private boolean loadLease;
    private Duration leaseTtl = Duration.ofSeconds(10);

    private Builder(String name) {
      this.name = Checks.token("name", name);
    }

    /** The region name: 1 to 64 characters of {@code [a-z0-9_-]}. */
    public Builder name(String name) {
      this.name = Checks.token("name", name);
      return this;
    }

    /** How long entries live in the store: positive, at most 365 days. Default 5 min. */
    public Builder ttl(Duration ttl) {
      positiveAtMost("ttl", ttl, MAX_TTL);
      this.ttl = ttl;
      return this;
    }

    /** Random spread added to each entry's TTL, in {@code [-jitter, +jitter]}. Default zero. */
    public Builder ttlJitter(Duration jitter) {
      notNegative("ttlJitter", jitter);
      this.ttlJitter = jitter;
      return this;
    }

    /** Remembers a loader's {@code null} for {@code nullTtl} (negative caching). Default off. */
    public Builder cacheNulls(Duration nullTtl) {
      positiveAtMost("nullTtl", nullTtl, MAX_TTL);
      this.cacheNulls = true;
      this.nullTtl = nullTtl;
      return this;
    }

    /** Turns negative caching off (the default). */
    public Builder noNullCaching() {
      this.cacheNulls = false;
      return this;
    }

    /** An in-process near cache of at most {@code size} entries kept at most {@code ttl}. */
    public Builder nearCache(long size, Duration ttl) {
      Checks.inRange("nearCacheSize", size, 1, MAX_NEAR_CACHE_SIZE);
      positiveAtMost("nearCacheTtl", ttl, MAX_TTL);
      this.nearCacheSize = size;
      this.nearCacheTtl = ttl;
      return this;
    }

    /** No near cache (the default): every get reads the store. */
    public Builder noNearCache() {
      this.nearCacheSize = 0;
      return this;
    }

    /** Part of every key, 0 to 1,000,000. Default 1. */
    public Builder keyVersion(int version) {
      this.keyVersion = (int) Checks.inRange("keyVersion", version, 0, 1_000_000);
      return this;
    }

    /** Reload in the background entries that expire within {@code window}; zero turns it off. */
    public Builder refreshAhead(Duration window) {
      notNegative("refreshAhead", window);
      this.refreshAhead = window;
      return this;
    }

    /**
     * Whether loaders take a cross-instance lease held at most {@code leaseTtl} (positive, at most
     * 1 h). Default off.
     */
    public Builder loadLease(boolean enabled, Duration leaseTtl) {
      positiveAtMost("leaseTtl", leaseTtl, Duration.ofHours(1));
      this.loadLease = enabled;
      this.leaseTtl = leaseTtl;
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalStateException if the jitter is not below the TTL, or the refresh-ahead window
     *     not below {@code ttl - ttlJitter}
     */
    public CachePolicy build() {
      return new CachePolicy(
          name,
          ttl,
          ttlJitter,
          cacheNulls,
          nullTtl,
          nearCacheSize,
          nearCacheTtl,
          keyVersion,
          refreshAhead,
          loadLease,
          leaseTtl);
    }
  }
}
