package dev.alchemist.cache.internal;

import dev.alchemist.cache.CacheKeys;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Encodes keys of one type as described on {@link CacheKeys}, and decodes them again (needed to
 * apply an invalidation message, which carries the encoded key, to a near cache keyed by the
 * object).
 *
 * @param <K> the key type
 */
public abstract class KeyCodec<K> {

  private KeyCodec() {}

  /** The encoded key. */
  public final String encode(K key) {
    String encoded = encodeUnchecked(key);
    if (encoded.length() > CacheKeys.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "encoded key must be at most "
              + CacheKeys.MAX_KEY_LENGTH
              + " characters but was "
              + encoded.length());
    }
    return encoded;
  }

  abstract String encodeUnchecked(K key);

  /**
   * The key that {@code encoded} stands for.
   *
   * @throws IllegalArgumentException if it is not a valid encoding of a key of this type
   */
  public abstract K decode(String encoded);

  /**
   * The codec for {@code type}.
   *
   * @throws IllegalArgumentException if keys of that type are not supported
   */
  @SuppressWarnings("unchecked")
  public static <K> KeyCodec<K> forType(Class<K> type) {
    KeyCodec<?> scalar = scalar(type);
    if (scalar != null) {
      return (KeyCodec<K>) scalar;
    }
    if (type.isRecord()) {
      return new RecordCodec<>(type);
    }
    throw unsupported(type);
  }

  private static IllegalArgumentException unsupported(Class<?> type) {
    return new IllegalArgumentException(
        "key type "
            + type.getName()
            + " is not supported: use String, UUID, long, int, short, byte, boolean, an enum, or"
            + " a record of those");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static @org.jspecify.annotations.Nullable KeyCodec<?> scalar(Class<?> type) {
    if (type == String.class) {
      return new Simple<String>(KeyCodec::escape, KeyCodec::unescape);
    }
    if (type == UUID.class) {
      return new Simple<UUID>(
          u -> u.toString(),
          s -> {
            UUID u = UUID.fromString(s);
            if (!u.toString().equals(s)) {
              throw new IllegalArgumentException("not a canonical UUID: " + s);
            }
            return u;
          });
    }
    if (type == Long.class || type == long.class) {
      return new Simple<Long>(l -> Long.toString(l), Long::valueOf);
    }
    if (type == Integer.class || type == int.class) {
      return new Simple<Integer>(i -> Integer.toString(i), Integer::valueOf);
    }
    if (type == Short.class || type == short.class) {
      return new Simple<Short>(s -> Short.toString(s), Short::valueOf);
    }
    if (type == Byte.class || type == byte.class) {
      return new Simple<Byte>(b -> Byte.toString(b), Byte::valueOf);
    }
    if (type == Boolean.class || type == boolean.class) {
      return new Simple<Boolean>(
          b -> Boolean.toString(b),
          s -> {
            if (!s.equals("true") && !s.equals("false")) {
              throw new IllegalArgumentException("not a boolean: " + s);
            }
            return Boolean.valueOf(s);
          });
    }
    if (type.isEnum()) {
      Class<? extends Enum> enumType = (Class<? extends Enum>) type;
      return new Simple<Enum>(e -> escape(e.name()), s -> Enum.valueOf(enumType, unescape(s)));
    }
    if (type.getSuperclass() != null && type.getSuperclass().isEnum()) {
      // constant-specific class bodies: encode by the declaring enum
      return scalar(type.getSuperclass());
    }
    return null;
  }

  /** Percent-escapes {@code %}, {@code :}, braces and control characters. */
  static String escape(String text) {
    int i = 0;
    int n = text.length();
    while (i < n && !needsEscape(text.charAt(i))) {
      i++;
    }
    if (i == n) {
      return text;
    }
    StringBuilder out = new StringBuilder(n + 8).append(text, 0, i);
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (needsEscape(c)) {
        out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == 0x7F || c == '%' || c == ':' || c == '{' || c == '}';
  }

  static String unescape(String text) {
    if (text.indexOf('%') < 0) {
      for (int i = 0; i < text.length(); i++) {
        if (needsEscape(text.charAt(i))) {
          throw new IllegalArgumentException("unescaped character at " + i);
        }
      }
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          throw new IllegalArgumentException("truncated escape at " + i);
        }
        char decoded = (char) Integer.parseInt(text.substring(i + 1, i + 3), 16);
        if (!needsEscape(decoded)) {
          throw new IllegalArgumentException("needless escape at " + i);
        }
        out.append(decoded);
        i += 2;
      } else if (needsEscape(c)) {
        throw new IllegalArgumentException("unescaped character at " + i);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private interface Encoder<K> {
    String encode(K key);
  }

  private interface Decoder<K> {
    K decode(String text);
  }

  private static final class Simple<K> extends KeyCodec<K> {
    private final Encoder<K> encoder;
    private final Decoder<K> decoder;

    Simple(Encoder<K> encoder, Decoder<K> decoder) {
      this.encoder = encoder;
      this.decoder = decoder;
    }

    @Override
    String encodeUnchecked(K key) {
      return encoder.encode(key);
    }

    @Override
    public K decode(String encoded) {
      return decoder.decode(encoded);
    }
  }

  private static final class RecordCodec<K> extends KeyCodec<K> {
    private final RecordComponent[] components;
    private final List<KeyCodec<Object>> codecs = new ArrayList<>();
    private final Constructor<K> constructor;

    @SuppressWarnings("unchecked")
    RecordCodec(Class<K> type) {
      components = type.getRecordComponents();
      if (components.length == 0) {
        throw new IllegalArgumentException(
            "key type " + type.getName() + " is a record without components");
      }
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        KeyCodec<?> codec = scalar(types[i]);
        if (codec == null) {
          throw new IllegalArgumentException(
              "key type "
                  + type.getName()
                  + " has component "
                  + components[i].getName()
                  + " of type "
                  + types[i].getName()
                  + "; record keys may only hold String, UUID, long, int, short, byte, boolean"
                  + " or enum components");
        }
        codecs.add((KeyCodec<Object>) codec);
        components[i].getAccessor().setAccessible(true);
      }
      try {
        constructor = type.getDeclaredConstructor(types);
        constructor.setAccessible(true);
      } catch (NoSuchMethodException | RuntimeException e) {
        throw new IllegalArgumentException(
            "key type " + type.getName() + " has no accessible canonical constructor", e);
      }
    }

    @Override
    String encodeUnchecked(K key) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < components.length; i++) {
        if (i > 0) {
          out.append(':');
        }
        Object part;
        try {
          part = components[i].getAccessor().invoke(key);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalArgumentException(
              "cannot read key component " + components[i].getName(), e);
        }
        if (part == null) {
          throw new IllegalArgumentException(
              "key component " + components[i].getName() + " must not be null");
        }
        out.append(codecs.get(i).encodeUnchecked(part));
      }
      return out.toString();
    }

    @Override
    public K decode(String encoded) {
      String[] parts = encoded.split(":", -1);
      if (parts.length != components.length) {
        throw new IllegalArgumentException(
            "expected " + components.length + " components but found " + parts.length);
      }
      Object[] args = new Object[parts.length];
      for (int i = 0; i < parts.length; i++) {
        args[i] = codecs.get(i).decode(parts[i]);
      }
      try {
        return constructor.newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("cannot construct key from " + encoded, e);
      }
    }
  }
}
