/**
 * A two-level TTL cache over Redis (Lettuce) or an embedded in-process store, with a Caffeine near
 * cache, single-flight loading and graceful degradation.
 *
 * <p>Start with {@link dev.alchemist.cache.CacheManager#builder()}, then ask the manager for typed
 * {@link dev.alchemist.cache.Cache} regions, each defined by a {@link
 * dev.alchemist.cache.CachePolicy}. The key layout and key encoding are described on {@link
 * dev.alchemist.cache.CacheKeys}.
 */
@NullMarked
package dev.alchemist.cache;

import org.jspecify.annotations.NullMarked;
