package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import java.util.List;

/**
 * What to ask a {@link ChatModel}: the model name, the conversation and the sampling options.
 * Immutable and thread-safe.
 *
 * @param model the provider's model name (for example {@code "gpt-4o-mini"} or {@code "llama3.2"});
 *     also a metric tag, so hosts should use a bounded set of names
 * @param messages the conversation, oldest first; at least one message
 * @param options sampling options
 */
public record ChatRequest(String model, List<ChatMessage> messages, ChatOptions options) {
  public ChatRequest {
    Checks.notBlank("model", model);
    messages = List.copyOf(Checks.notNull("messages", messages));
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("messages must not be empty");
    }
    Checks.notNull("options", options);
  }

  /** A request with default options. */
  public static ChatRequest of(String model, List<ChatMessage> messages) {
    return new ChatRequest(model, messages, ChatOptions.DEFAULTS);
  }

  /** A one-question request with default options. */
  public static ChatRequest of(String model, String userPrompt) {
    return of(model, List.of(ChatMessage.user(userPrompt)));
  }

  /** Returns a copy with other options. */
  public ChatRequest withOptions(ChatOptions options) {
    return new ChatRequest(model, messages, options);
  }
}
