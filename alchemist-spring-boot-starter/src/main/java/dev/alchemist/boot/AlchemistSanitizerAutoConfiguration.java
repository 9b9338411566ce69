package dev.alchemist.boot;

import dev.alchemist.boot.internal.PropertyChecks;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps Alchemist's secrets out of {@code /actuator/env} and {@code /actuator/configprops} even
 * when a host shows values ({@code management.endpoint.env.show-values=ALWAYS}): passwords, tokens,
 * API keys, model headers and credential files are masked, and URIs (Redis, NATS, JDBC) lose their
 * user, password and password parameters.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class AlchemistSanitizerAutoConfiguration {
  private static final Pattern SECRET =
      Pattern.compile(
          "(^|\\.)(password|token|api-key|apikey|credentials-file|credentialsfile|headers)"
              + "($|\\.|\\[)");
  private static final Pattern URI =
      Pattern.compile(
          "(^|\\.)(redis-uri|redisuri|cluster-nodes|clusternodes|servers|jdbc-url|jdbcurl)($|\\[)");

  /** Applied to every property of the env and configprops endpoints. */
  @Bean
  public SanitizingFunction alchemistSanitizingFunction() {
    return AlchemistSanitizerAutoConfiguration::sanitize;
  }

  static SanitizableData sanitize(SanitizableData data) {
    String key = data.getLowerCaseKey();
    boolean ours = key.startsWith("alchemist.") || data.getPropertySource() == null;
    if (!ours || data.getValue() == null) {
      return data;
    }
    String relative = key.toLowerCase(Locale.ROOT);
    if (SECRET.matcher(relative).find()) {
      return data.withSanitizedValue();
    }
    if (URI.matcher(relative).find()) {
      return data.withValue(PropertyChecks.redact(String.valueOf(data.getValue())));
    }
    return data;
  }
}
