package dev.alchemist.ai;

import dev.alchemist.ai.internal.HttpChatClient;
import java.net.URI;

/**
 * Entry point of the OpenAI-compatible chat-completions client ({@code POST
 * {baseUri}/chat/completions} with {@code stream: true} and {@code stream_options.include_usage});
 * works with OpenAI, vLLM, llama.cpp server, LM Studio, Ollama's {@code /v1} and other compatible
 * servers. The client is thread-safe, keeps no thread per stream, and {@code close()} cancels the
 * streams still open.
 *
 * <pre>{@code
 * ChatModel gpt = OpenAiChatModel.builder().apiKey(System.getenv("OPENAI_API_KEY")).build();
 * }</pre>
 */
public final class OpenAiChatModel {
  /** {@code https://api.openai.com/v1}. */
  public static final URI DEFAULT_BASE_URI = URI.create("https://api.openai.com/v1");

  private OpenAiChatModel() {}

  public static HttpModelSettings.Builder builder() {
    return new HttpModelSettings.Builder("openai", DEFAULT_BASE_URI, null, HttpChatClient::openAi);
  }
}
