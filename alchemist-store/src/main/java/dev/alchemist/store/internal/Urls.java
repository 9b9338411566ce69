package dev.alchemist.store.internal;

import java.util.regex.Pattern;

/** Takes passwords out of JDBC URLs before they reach a message or a log. */
public final class Urls {
  // password=..., sslpassword=..., PASSWORD=... up to the next & or ; (pgjdbc and H2 separators)
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)((?:ssl)?password|passwd|pwd)=[^&;]*");
  // //user:secret@host
  private static final Pattern USER_INFO = Pattern.compile("//([^/:@?;]*):[^@/]*@");

  private Urls() {}

  /** The URL with every password value replaced by {@code ***}. */
  public static String redact(String url) {
    String withoutParams = PASSWORD_PARAM.matcher(url).replaceAll("$1=***");
    return USER_INFO.matcher(withoutParams).replaceAll("//$1:***@");
  }
}
