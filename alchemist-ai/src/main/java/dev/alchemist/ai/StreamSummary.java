package dev.alchemist.ai;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a stream that completed normally went. Immutable.
 *
 * @param provider {@code openai}, {@code ollama}, {@code simulated} or {@code cache}
 * @param model the model that answered
 * @param finishReason the provider's reason ({@code stop}, {@code length}, ...), if it sent one
 * @param tokens tokens delivered (stream events with text)
 * @param promptTokens prompt tokens reported by the provider, or -1
 * @param completionTokens completion tokens reported by the provider, or -1
 * @param timeToFirstToken from the request to the first token
 * @param total from the request to the end
 * @param loadDuration time the provider spent loading the model (Ollama), or null
 * @param cached whether the answer was replayed from the response cache
 */
public record StreamSummary(
    String provider,
    String model,
    @Nullable String finishReason,
    long tokens,
    long promptTokens,
    long completionTokens,
    Duration timeToFirstToken,
    Duration total,
    @Nullable Duration loadDuration,
    boolean cached) {

  /** Tokens per second from the first token to the end, or 0 for fewer than two tokens. */
  public double tokensPerSecond() {
    long nanos = total.minus(timeToFirstToken).toNanos();
    return tokens < 2 || nanos <= 0 ? 0 : (tokens - 1) * 1e9 / nanos;
  }

  /** Whether the model stopped because it hit the token limit (a truncated answer). */
  public boolean truncated() {
    return "length".equals(finishReason);
  }
}
