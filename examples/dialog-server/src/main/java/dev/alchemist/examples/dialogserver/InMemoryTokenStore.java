package dev.alchemist.examples.dialogserver;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token store held in memory, seeded with the demo token of {@code dialog-server.demo-token}.
 * Only digests are kept, so a heap dump shows no token. A deployment replaces this bean with one
 * backed by its identity service.
 */
final class InMemoryTokenStore implements TokenStore {
  private final Map<String, String> usersByDigest = new ConcurrentHashMap<>();

  /** Makes {@code token} valid for {@code user}. */
  void add(String token, String user) {
    usersByDigest.put(TokenAuthenticator.digest(token), user);
  }

  @Override
  public Optional<String> userOf(String tokenDigest) {
    return Optional.ofNullable(usersByDigest.get(tokenDigest));
  }
}
