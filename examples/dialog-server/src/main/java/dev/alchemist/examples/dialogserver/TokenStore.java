package dev.alchemist.examples.dialogserver;

import java.util.Optional;

/**
 * Where bearer tokens are looked up: the user a token belongs to. The server reads it through the
 * {@code USER_SESSIONS} cache, so a store call happens once per token per 15 minutes.
 */
public interface TokenStore {

  /** The user that {@code tokenDigest} (the token's SHA-256, hex) belongs to, if any. */
  Optional<String> userOf(String tokenDigest);
}
