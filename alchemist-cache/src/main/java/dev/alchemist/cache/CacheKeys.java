package dev.alchemist.cache;

import dev.alchemist.cache.internal.KeyCodec;
import dev.alchemist.core.Checks;

/**
 * The key layout and the stable encoding of keys. Both are part of the wire format: instances of
 * different versions of an application share entries only as long as they agree on them.
 *
 * <h2>Layout</h2>
 *
 * A value lives under {@code <prefix>:<cache>:v<keyVersion>:<key>}, for example {@code
 * alchemist:dialog_history:v1:0f8fad5b-d9cb-469f-a165-70867728950e}. A load lease lives under
 * {@code <prefix>:<cache>:lease:v<keyVersion>:<key>}. Invalidations are published on the channel
 * {@code <prefix>:invalidate}. The prefix and the cache name are tokens of {@code [a-z0-9_-]}.
 *
 * <h2>Key encoding</h2>
 *
 * <table>
 *   <caption>How a key becomes the last part of the Redis key</caption>
 *   <tr><th>key type</th><th>encoding</th><th>example</th></tr>
 *   <tr><td>{@code String}</td><td>the text, with {@code %}, {@code :}, <code>{</code>,
 *       <code>}</code> and control characters (U+0000 to U+001F, U+007F) written as {@code %XX}
 *       (two uppercase hex digits)</td><td>{@code a:b} &rarr; {@code a%3Ab}</td></tr>
 *   <tr><td>{@code UUID}</td><td>canonical lowercase form</td>
 *       <td>{@code 0f8fad5b-d9cb-469f-a165-70867728950e}</td></tr>
 *   <tr><td>{@code long}, {@code int}, {@code short}, {@code byte} (boxed or not)</td>
 *       <td>decimal</td><td>{@code -42}</td></tr>
 *   <tr><td>{@code boolean}</td><td>{@code true} or {@code false}</td><td>{@code true}</td></tr>
 *   <tr><td>an enum</td><td>its {@code name()}, escaped as a String</td><td>{@code USER}</td></tr>
 *   <tr><td>a record of the types above</td><td>its components in declaration order, each
 *       encoded as above, joined with {@code :}</td><td>{@code tenant_7:42}</td></tr>
 * </table>
 *
 * <p>Escaping braces keeps a user's key from forming a Redis Cluster hash tag, and escaping the
 * colon keeps record components apart. An encoded key may have at most {@value #MAX_KEY_LENGTH}
 * characters; longer keys are refused with {@link IllegalArgumentException}. Other key types are
 * refused when the cache is created.
 *
 * <p>Thread-safe (stateless).
 */
public final class CacheKeys {

  /** The longest encoded key accepted. */
  public static final int MAX_KEY_LENGTH = 1024;

  private CacheKeys() {}

  /**
   * The encoded form of {@code key}, as described above.
   *
   * @throws IllegalArgumentException if the key's type is not supported or it is too long
   */
  public static String encode(Object key) {
    Checks.notNull("key", key);
    return encodeTyped(key);
  }

  /**
   * The full Redis key of {@code key} in the region of {@code policy} under {@code prefix}.
   *
   * @throws IllegalArgumentException if the key's type is not supported or it is too long
   */
  public static String redisKey(String prefix, CachePolicy policy, Object key) {
    Checks.token("prefix", prefix);
    return regionPrefix(prefix, policy) + encode(key);
  }

  /** {@code <prefix>:<cache>:v<keyVersion>:}, the start of every key of a region. */
  public static String regionPrefix(String prefix, CachePolicy policy) {
    return prefix + ":" + policy.name() + ":v" + policy.keyVersion() + ":";
  }

  @SuppressWarnings("unchecked")
  private static <K> String encodeTyped(K key) {
    return KeyCodec.forType((Class<K>) key.getClass()).encode(key);
  }
}
