package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import dev.alchemist.core.MessageRole;

/**
 * One message of a chat request: who says it and what.
 *
 * @param role the author, mapped to the wire protocol's lowercase role names
 * @param content the text; may be empty
 */
public record ChatMessage(MessageRole role, String content) {
  public ChatMessage {
    Checks.notNull("role", role);
    Checks.notNull("content", content);
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(MessageRole.SYSTEM, content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(MessageRole.USER, content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(MessageRole.ASSISTANT, content);
  }

  @Override
  public String toString() {
    // Prompts may hold personal data; toString shows their size only.
    return "ChatMessage[role=" + role + ", content=" + content.length() + " chars]";
  }
}
