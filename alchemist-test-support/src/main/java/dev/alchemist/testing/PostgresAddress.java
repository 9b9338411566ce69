package dev.alchemist.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * How tests reach a PostgreSQL database: a pgjdbc URL such as {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, a user and a password (empty for trust authentication).
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param user the role to log in as
 * @param password the password, empty when the server trusts the connection
 */
public record PostgresAddress(String jdbcUrl, String user, String password) {

  /** Seconds to wait for a TCP connection and for the login, so a dead server fails fast. */
  private static final String CONNECT_TIMEOUT_SECONDS = "3";

  /** Validates the parts; messages name the part and the value. */
  public PostgresAddress {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with jdbc:postgresql: but was '" + jdbcUrl + "'");
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException("user must not be blank");
    }
  }

  /**
   * Opens a new connection with short connect and login timeouts. The caller closes it.
   *
   * @throws SQLException if the server cannot be reached or refuses the login
   */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.setProperty("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** URL and user; the password only as {@code (set)} or {@code (none)}. */
  @Override
  public String toString() {
    return "PostgresAddress[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "(none)" : "(set)")
        + "]";
  }
}
