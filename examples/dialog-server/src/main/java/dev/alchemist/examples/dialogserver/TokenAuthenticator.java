package dev.alchemist.examples.dialogserver;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Checks {@code Authorization: Bearer <token>} through the {@link CachePolicy#USER_SESSIONS} cache
 * (15 minutes) in front of the {@link TokenStore}. The cache key is the token's SHA-256, never the
 * token itself: a cache store (Redis) is no place for a credential.
 */
final class TokenAuthenticator {
  private static final String BEARER = "Bearer ";
  private static final int MAX_TOKEN_LENGTH = 4096;

  private final Cache<String, String> sessions;
  private final TokenStore store;

  TokenAuthenticator(CacheManager caches, TokenStore store) {
    this.sessions = caches.cache(CachePolicy.USER_SESSIONS, String.class, String.class);
    this.store = store;
  }

  /**
   * The user of the request's bearer token. Blocking (a cache miss reads the store): call it off
   * the event loop.
   *
   * @throws ResponseStatusException 401 if the header is missing, not a bearer token, or unknown
   */
  String authenticate(@Nullable String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.length() > BEARER.length() + MAX_TOKEN_LENGTH) {
      throw unauthorized();
    }
    String token = authorization.substring(BEARER.length()).trim();
    if (token.isEmpty()) {
      throw unauthorized();
    }
    // An unknown token is not cached (null is not remembered), so a token added later works at
    // once; a flood of unknown tokens reaches the store, which is what a real store rate-limits.
    String user = sessions.get(digest(token), key -> store.userOf(key).orElse(null));
    if (user == null) {
      throw unauthorized();
    }
    return user;
  }

  static String digest(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static ResponseStatusException unauthorized() {
    return new ResponseStatusException(HttpStatus.UNAUTHORIZED, "a valid bearer token is required");
  }
}
