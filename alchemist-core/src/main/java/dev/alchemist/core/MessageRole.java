package dev.alchemist.core;

/** Who wrote a {@link Message}: the roles of the OpenAI-style chat protocol. */
public enum MessageRole {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL
}
