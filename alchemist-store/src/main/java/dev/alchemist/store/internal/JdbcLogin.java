package dev.alchemist.store.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL URL split into a URL without secrets and the login that goes beside it.
 *
 * <p>pgjdbc does not understand {@code postgresql://user:password@host}: it takes the whole {@code
 * user:password@host} for a host name and puts it in the {@code UnknownHostException} it throws.
 * And a {@code password=} parameter ends up wherever the URL does: HikariCP's and Flyway's logs,
 * the driver's messages. So the store moves both out of the URL into the login properties (which
 * HikariCP masks) before the URL reaches the pool, the driver or Flyway. It also asks pgjdbc not to
 * copy bound values and the server's row details into its exception messages ({@code
 * logServerErrorDetail=false}), unless the URL sets that itself.
 *
 * <p>A user or password given to the builder wins over the one in the URL. Other URLs (H2) are
 * passed through unchanged.
 *
 * @param url the URL without user info and password parameters
 * @param user the login, or null
 * @param password the password, or null
 * @param secretProperties other secret driver properties taken out of the URL ({@code sslpassword})
 */
record JdbcLogin(
    String url,
    @Nullable String user,
    @Nullable String password,
    Map<String, String> secretProperties) {

  private static final String PREFIX = "jdbc:postgresql://";
  private static final Pattern USER_INFO = Pattern.compile("^jdbc:postgresql://([^/?@]*)@");

  @Override
  public String toString() {
    return "JdbcLogin[url=" + Urls.redact(url) + ", user=" + user + "]";
  }

  static JdbcLogin of(String jdbcUrl, @Nullable String user, @Nullable String password) {
    if (!jdbcUrl.startsWith(PREFIX)) {
      return new JdbcLogin(jdbcUrl, user, password, Map.of());
    }
    String url = jdbcUrl;
    String urlUser = null;
    String urlPassword = null;
    Matcher info = USER_INFO.matcher(url);
    if (info.find()) {
      String userInfo = info.group(1);
      int colon = userInfo.indexOf(':');
      urlUser = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      urlPassword = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1));
      url = PREFIX + url.substring(info.end());
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    boolean detailSet = false;
    int query = url.indexOf('?');
    if (query >= 0) {
      for (String parameter : url.substring(query + 1).split("&")) {
        if (parameter.isEmpty()) {
          continue;
        }
        int eq = parameter.indexOf('=');
        String key = (eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : URLDecoder.decode(parameter.substring(eq + 1), UTF8);
        switch (key) {
          case "password" -> urlPassword = value;
          case "sslpassword" -> secrets.put("sslpassword", value);
          default -> {
            detailSet |= key.equals("logservererrordetail");
            kept.add(parameter);
          }
        }
      }
      url = url.substring(0, query);
    }
    if (!detailSet) {
      kept.add("logServerErrorDetail=false");
    }
    url = url + "?" + String.join("&", kept);
    return new JdbcLogin(
        url,
        user != null ? user : urlUser,
        password != null ? password : urlPassword,
        Map.copyOf(secrets));
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** Percent-decoding of URI user info, where '+' is a plus, not a space. */
  private static String percentDecode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), UTF8);
  }
}
