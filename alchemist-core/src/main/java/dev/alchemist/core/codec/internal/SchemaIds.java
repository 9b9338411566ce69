package dev.alchemist.core.codec.internal;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives the schema id of a registered type: the first four bytes of a SHA-256 over a canonical
 * description of its shape. The description names the type, its declared version and its parts
 * (record components, enum constants, or serialized fields), with their generic types, and recurses
 * into every registered application type those mention, so a change anywhere inside a value changes
 * the id of the value's type.
 */
final class SchemaIds {

  private SchemaIds() {}

  /**
   * @param type the type
   * @param described the registrations whose shape counts (the application's and the model's); JDK
   *     types are described by name only, since their serializers are fixed
   */
  static int of(Class<?> type, Map<Class<?>, TypeEntry> described) {
    StringBuilder description = new StringBuilder(256);
    describe(type, described, new HashSet<>(), description);
    return hash(description);
  }

  private static void describe(
      Class<?> type,
      Map<Class<?>, TypeEntry> described,
      Set<Class<?>> visiting,
      StringBuilder out) {
    TypeEntry registration = described.get(type);
    out.append(type.getName());
    if (registration == null || !visiting.add(type)) {
      return;
    }
    out.append('#').append(registration.version());
    if (registration.factory() != null) {
      out.append('@').append(registration.factory().getClass().getName());
    } else if (type.isEnum()) {
      out.append("{enum");
      for (Object constant : type.getEnumConstants()) {
        out.append(' ').append(((Enum<?>) constant).name());
      }
      out.append('}');
    } else if (type.isRecord()) {
      out.append("{record");
      for (RecordComponent component : type.getRecordComponents()) {
        part(component.getName(), component.getGenericType(), described, visiting, out);
      }
      out.append('}');
    } else {
      out.append("{class");
      for (Field field : serializedFields(type)) {
        part(field.getName(), field.getGenericType(), described, visiting, out);
      }
      out.append('}');
    }
    visiting.remove(type);
  }

  private static void part(
      String name,
      Type type,
      Map<Class<?>, TypeEntry> described,
      Set<Class<?>> visiting,
      StringBuilder out) {
    out.append(' ').append(name).append(':').append(type.getTypeName());
    List<Class<?>> mentioned = new ArrayList<>();
    collectClasses(type, mentioned);
    for (Class<?> nested : mentioned) {
      if (described.containsKey(nested)) {
        out.append('<');
        describe(nested, described, visiting, out);
        out.append('>');
      }
    }
  }

  private static void collectClasses(Type type, List<Class<?>> out) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        collectClasses(c.getComponentType(), out);
      } else {
        out.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      collectClasses(p.getRawType(), out);
      for (Type argument : p.getActualTypeArguments()) {
        collectClasses(argument, out);
      }
    } else if (type instanceof GenericArrayType a) {
      collectClasses(a.getGenericComponentType(), out);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collectClasses(bound, out);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collectClasses(bound, out);
      }
    }
  }

  /** The fields Kryo's field serializer writes: non-static, non-transient, up the hierarchy. */
  private static List<Field> serializedFields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
          fields.add(field);
        }
      }
    }
    fields.sort(
        Comparator.comparing((Field f) -> f.getDeclaringClass().getName())
            .thenComparing(Field::getName));
    return fields;
  }

  private static int hash(CharSequence description) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(description.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getInt();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
