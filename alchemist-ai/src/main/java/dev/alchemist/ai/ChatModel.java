package dev.alchemist.ai;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A streaming chat model: the SPI behind {@link ChatStreamer}. Implementations are {@link
 * OpenAiChatModel} (OpenAI-compatible SSE), {@link OllamaChatModel} (Ollama NDJSON) and {@link
 * SimulatedChatModel} (deterministic, in-process; the embedded default).
 *
 * <p>Implementations are thread-safe and keep no thread per stream. {@link #close()} fails the
 * streams still open with {@link AiException.Reason#CANCELLED} and releases what the model owns
 * (never a scheduler or HTTP client the host passed in).
 */
public interface ChatModel extends AutoCloseable {
  /** Starts nothing yet: returns a cold stream whose subscription makes the call. */
  TokenStream stream(ChatRequest request);

  /** A low-cardinality provider name used as a metric tag: {@code openai}, {@code ollama}, ... */
  String provider();

  /**
   * Loads {@code model} so that the next real request does not pay the load time; completes with
   * the time it took. The default does nothing and completes at once with zero.
   */
  default CompletableFuture<Duration> warmUp(String model) {
    return CompletableFuture.completedFuture(Duration.ZERO);
  }

  /** How long the server keeps an idle model loaded, when the client knows (Ollama). */
  default Optional<Duration> keepAlive() {
    return Optional.empty();
  }

  @Override
  void close();
}
