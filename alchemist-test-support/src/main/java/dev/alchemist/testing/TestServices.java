package dev.alchemist.testing;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Addresses of the real services that integration tests share, each checked to really answer before
 * a test gets it.
 *
 * <table>
 *   <caption>Where each address comes from (system property first, then environment, then
 *   default)</caption>
 *   <tr><th>service</th><th>system property</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>Redis</td><td>{@code alchemist.redis.uri}</td><td>{@code ALCHEMIST_REDIS_URI}</td>
 *       <td>{@code redis://127.0.0.1:6379}</td></tr>
 *   <tr><td>NATS with JetStream</td><td>{@code alchemist.nats.url}</td>
 *       <td>{@code ALCHEMIST_NATS_URL}</td><td>{@code nats://127.0.0.1:4222}</td></tr>
 *   <tr><td>PostgreSQL URL</td><td>{@code alchemist.pg.url}</td><td>{@code ALCHEMIST_PG_URL}</td>
 *       <td>{@code jdbc:postgresql://127.0.0.1:5432/test}</td></tr>
 *   <tr><td>PostgreSQL user</td><td>{@code alchemist.pg.user}</td>
 *       <td>{@code ALCHEMIST_PG_USER}</td><td>{@code postgres}</td></tr>
 *   <tr><td>PostgreSQL password</td><td>{@code alchemist.pg.password}</td>
 *       <td>{@code ALCHEMIST_PG_PASSWORD}</td><td>empty (trust on loopback)</td></tr>
 * </table>
 *
 * <p>The check speaks each protocol: Redis must answer {@code PING} with {@code +PONG}, NATS must
 * send an {@code INFO} line with {@code "jetstream":true}, PostgreSQL must run {@code select 1}.
 * Connecting times out after a few seconds. A success is remembered per address for the life of the
 * JVM; a failure is not, so a later call checks again. When a service does not answer, the call
 * throws {@link ServiceUnavailableException} naming the address and {@code scripts/services.sh}:
 * tests fail, they never skip.
 *
 * <p>The services are shared with other test runs, so each test works under its own {@link
 * #uniquePrefix(String) unique prefix} (key prefix, stream name, subject root, schema) or cleans up
 * what it made. Tests that stop or kill a server use a {@link PrivateServer} instead.
 *
 * <p>All methods are thread-safe.
 */
public final class TestServices {

  /** Run by hand or by {@code scripts/test.sh}; named in every failure message. */
  static final String SCRIPT = "scripts/services.sh";

  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final Set<Object> VERIFIED = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_HINT_LENGTH = 40;
  private static final int RANDOM_CHARS = 12;

  private TestServices() {}

  /**
   * The shared Redis, checked to answer {@code PING}.
   *
   * @return its address, such as {@code redis://127.0.0.1:6379}
   * @throws ServiceUnavailableException if it does not answer
   * @throws IllegalArgumentException if the configured URI is malformed
   */
  public static ServiceAddress redis() {
    return checkRedis(
        ServiceAddress.parse(
            "redis",
            6379,
            setting("alchemist.redis.uri", "ALCHEMIST_REDIS_URI", "redis://127.0.0.1:6379"),
            "ALCHEMIST_REDIS_URI"));
  }

  /**
   * The shared NATS server, checked to answer with JetStream enabled.
   *
   * @return its address, such as {@code nats://127.0.0.1:4222}
   * @throws ServiceUnavailableException if it does not answer or has no JetStream
   * @throws IllegalArgumentException if the configured URL is malformed
   */
  public static ServiceAddress nats() {
    return checkNats(
        ServiceAddress.parse(
            "nats",
            4222,
            setting("alchemist.nats.url", "ALCHEMIST_NATS_URL", "nats://127.0.0.1:4222"),
            "ALCHEMIST_NATS_URL"));
  }

  /**
   * The shared PostgreSQL database, checked by running {@code select 1}.
   *
   * @return its JDBC URL, user and password
   * @throws ServiceUnavailableException if it cannot be reached or refuses the login
   * @throws IllegalArgumentException if the configured URL is not a {@code jdbc:postgresql:} URL
   */
  public static PostgresAddress postgres() {
    return checkPostgres(
        new PostgresAddress(
            setting(
                "alchemist.pg.url", "ALCHEMIST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
            setting("alchemist.pg.user", "ALCHEMIST_PG_USER", "postgres"),
            setting("alchemist.pg.password", "ALCHEMIST_PG_PASSWORD", "")));
  }

  /**
   * A fresh name for one test's keys, stream, subject root or schema: the hint reduced to lowercase
   * {@code [a-z0-9_]}, then {@code _} and 12 random characters, for example {@code
   * cache_it_k3x9q0v7m2ab}. It starts with a letter, has at most 55 characters, and is valid as a
   * Redis key part, a NATS subject token and stream name, and an unquoted PostgreSQL identifier.
   *
   * @param hint something readable that says who made the name, such as the test class name
   * @return a name no other test uses
   */
  public static String uniquePrefix(String hint) {
    Objects.requireNonNull(hint, "hint");
    StringBuilder name = new StringBuilder();
    for (char c : hint.toLowerCase(Locale.ROOT).toCharArray()) {
      if (name.length() == MAX_HINT_LENGTH) {
        break;
      }
      boolean valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      name.append(valid ? c : '_');
    }
    if (name.length() == 0 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      name.insert(0, "t_");
    }
    name.append('_');
    for (int i = 0; i < RANDOM_CHARS; i++) {
      name.append(Character.forDigit(RANDOM.nextInt(36), 36));
    }
    return name.toString();
  }

  static ServiceAddress checkRedis(ServiceAddress address) {
    if (!VERIFIED.contains(address)) {
      try {
        Probes.redisPing(address, TIMEOUT);
      } catch (IOException e) {
        throw unavailable("Redis", address.uri(), e, "ALCHEMIST_REDIS_URI", "alchemist.redis.uri");
      }
      VERIFIED.add(address);
    }
    return address;
  }

  static ServiceAddress checkNats(ServiceAddress address) {
    if (!VERIFIED.contains(address)) {
      try {
        Probes.natsJetStream(address, TIMEOUT);
      } catch (IOException e) {
        throw unavailable("NATS", address.uri(), e, "ALCHEMIST_NATS_URL", "alchemist.nats.url");
      }
      VERIFIED.add(address);
    }
    return address;
  }

  static PostgresAddress checkPostgres(PostgresAddress address) {
    if (!VERIFIED.contains(address)) {
      try {
        Probes.postgresSelectOne(address);
      } catch (SQLException e) {
        throw unavailable(
            "PostgreSQL",
            address.jdbcUrl() + " as user " + address.user(),
            e,
            "ALCHEMIST_PG_URL/ALCHEMIST_PG_USER/ALCHEMIST_PG_PASSWORD",
            "alchemist.pg.url/user/password");
      }
      VERIFIED.add(address);
    }
    return address;
  }

  private static ServiceUnavailableException unavailable(
      String service, String address, Exception cause, String variable, String property) {
    return new ServiceUnavailableException(
        address,
        service
            + " does not answer at "
            + address
            + ": "
            + describe(cause)
            + ". Start the local services with "
            + SCRIPT
            + ", or point "
            + variable
            + " (system property "
            + property
            + ") at a running server.",
        cause);
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static String setting(String property, String variable, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : value;
  }
}
