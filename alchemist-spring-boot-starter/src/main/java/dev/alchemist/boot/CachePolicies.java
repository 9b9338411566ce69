package dev.alchemist.boot;

import dev.alchemist.cache.CachePolicy;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The cache region policies of {@code alchemist.cache.policies.*}: the guide's four presets as the
 * properties tuned them, plus every custom region the properties define. Immutable and thread-safe.
 *
 * <pre>{@code
 * Cache<UUID, DialogHistory> history =
 *     caches.cache(policies.get("dialog-history"), UUID.class, DialogHistory.class);
 * }</pre>
 */
public final class CachePolicies {
  private final Map<String, CachePolicy> byName;

  /** The policies, keyed by their region names. */
  public CachePolicies(Collection<CachePolicy> policies) {
    Map<String, CachePolicy> map = new LinkedHashMap<>();
    for (CachePolicy policy : policies) {
      map.put(policy.name(), policy);
    }
    this.byName = Map.copyOf(map);
  }

  /**
   * The policy of region {@code name}; {@code dialog-history} and {@code dialog_history} name the
   * same region.
   *
   * @throws IllegalArgumentException if no such region is configured
   */
  public CachePolicy get(String name) {
    CachePolicy policy = byName.get(regionName(name));
    if (policy == null) {
      throw new IllegalArgumentException(
          "no cache policy '" + name + "'; configured: " + byName.keySet());
    }
    return policy;
  }

  /** Every configured policy by region name. */
  public Map<String, CachePolicy> asMap() {
    return byName;
  }

  /** The region name a property key stands for: lowercase, '-' replaced by '_'. */
  static String regionName(String key) {
    return key.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String toString() {
    return "CachePolicies" + byName.keySet();
  }
}
