package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A complete model answer kept by the {@link ResponseCache}: the tokens as the model sent them, so
 * a replay goes through the same chunker and yields the same chunks. Immutable.
 *
 * @param model the model that answered
 * @param tokens the answer's tokens, in order
 * @param finishReason the provider's finish reason
 * @param promptTokens prompt tokens reported, or -1
 * @param completionTokens completion tokens reported, or -1
 */
public record CachedResponse(
    String model,
    List<String> tokens,
    @Nullable String finishReason,
    long promptTokens,
    long completionTokens)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public CachedResponse {
    Checks.notBlank("model", model);
    tokens = List.copyOf(Checks.notNull("tokens", tokens));
  }

  /** The whole answer. */
  public String text() {
    return String.join("", tokens);
  }
}
