package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;

/** What a {@link WireDecoder} found in the bytes, in wire order. Called on the decoding thread. */
public interface WireListener {
  /** A non-empty text fragment. */
  void token(String text);

  void finishReason(String reason);

  void usage(long promptTokens, long completionTokens);

  /** Time the server spent loading the model, in nanoseconds (Ollama). */
  default void loadDuration(long nanos) {}

  /** The provider's end marker ({@code [DONE]}, {@code "done": true}). */
  void done();

  /** The provider reported an error inside the stream. */
  void error(AiException error);

  /** An event or line that could not be read was skipped; counted, never fatal. */
  void skipped(String why);
}
