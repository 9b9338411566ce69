package dev.alchemist.ai;

import dev.alchemist.ai.internal.HttpChatClient;
import java.net.URI;
import java.time.Duration;

/**
 * Entry point of the Ollama client ({@code POST {baseUri}/api/chat}, NDJSON). {@link
 * ChatModel#warmUp(String)} loads a model with an empty request; every request sends {@code
 * keep_alive} so that {@link ModelWarmer} can ping within it. Thread-safe, no thread per stream,
 * {@code close()} cancels the streams still open.
 */
public final class OllamaChatModel {
  /** {@code http://127.0.0.1:11434}. */
  public static final URI DEFAULT_BASE_URI = URI.create("http://127.0.0.1:11434");

  /** Ollama's own default: five minutes. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

  private OllamaChatModel() {}

  public static HttpModelSettings.Builder builder() {
    return new HttpModelSettings.Builder(
        "ollama", DEFAULT_BASE_URI, DEFAULT_KEEP_ALIVE, HttpChatClient::ollama);
  }
}
