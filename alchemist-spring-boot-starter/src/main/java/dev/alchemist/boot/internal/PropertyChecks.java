package dev.alchemist.boot.internal;

import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Hands property values to the SDK's builders so that a value a builder refuses fails startup with
 * the builder's own message and the name of the property that held it. Boot's failure analyzer
 * prints such an exception as "Invalid value ... for configuration property ...".
 */
public final class PropertyChecks {
  /** Shown instead of a secret's value. */
  public static final String HIDDEN = "******";

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@]*@");
  private static final Pattern LEADING_USER_INFO = Pattern.compile("^[^/@]*@");
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)(password|pwd|token|secret)=[^&;]*");

  private PropertyChecks() {}

  /** Calls {@code setter} with {@code value} unless it is null. */
  public static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(property, shown(value), e);
    }
  }

  /** As {@link #set}, but the value is never shown. */
  public static <T> void setSecret(String property, @Nullable T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(property, HIDDEN, e);
    }
  }

  /**
   * Runs {@code build} (a builder's {@code build()} or a record's constructor) and names {@code
   * properties} (a prefix, say) when it refuses a combination.
   */
  public static <T> T build(String properties, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException(properties + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code value} without a user, password or token: {@code redis://:pw@host} becomes {@code
   * redis://******@host}, {@code ?password=pw} becomes {@code ?password=******}.
   */
  public static String redact(String value) {
    // Without a scheme (a typo the user is being told about), whatever precedes '@' may be a login.
    Pattern login = value.contains("://") ? USER_INFO : LEADING_USER_INFO;
    String out = login.matcher(value).replaceAll(HIDDEN + "@");
    return PASSWORD_PARAMETER.matcher(out).replaceAll("$1=" + HIDDEN);
  }

  private static String shown(Object value) {
    return redact(String.valueOf(value));
  }

  private static InvalidConfigurationPropertyValueException invalid(
      String property, String shownValue, RuntimeException e) {
    // Boot's exception takes no cause; the SDK's message is its reason, word for word.
    return new InvalidConfigurationPropertyValueException(property, shownValue, e.getMessage());
  }
}
