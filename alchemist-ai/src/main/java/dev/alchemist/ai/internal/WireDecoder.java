package dev.alchemist.ai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns response body bytes into {@link WireListener} calls, incrementally: bytes may be split
 * anywhere. Not thread-safe: one per stream attempt.
 */
public abstract class WireDecoder {
  /** Longest line or event accepted before the stream fails as not being a token stream. */
  public static final int MAX_EVENT_BYTES = 4 << 20;

  static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(MAX_EVENT_BYTES)
                  .build())
          .build();

  final WireListener listener;

  WireDecoder(WireListener listener) {
    this.listener = listener;
  }

  /** Consumes the buffer's remaining bytes. */
  public abstract void feed(ByteBuffer buffer);

  /** The body ended. */
  public abstract void finish();

  /** The decoder for OpenAI-compatible chat-completions SSE. */
  public static WireDecoder openAi(WireListener listener) {
    return new OpenAiDecoder(listener);
  }

  /** The decoder for Ollama {@code /api/chat} NDJSON. */
  public static WireDecoder ollama(WireListener listener) {
    return new OllamaDecoder(listener);
  }

  /** Reads the text of an {@code error} value: a string, or an object's {@code message}. */
  static String readError(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.START_OBJECT) {
      String message = null;
      String type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("message".equals(name) && v == JsonToken.VALUE_STRING) {
          message = p.getText();
        } else if ("type".equals(name) && v == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else {
          p.skipChildren();
        }
      }
      String text = message != null ? message : "unknown error";
      return type != null ? type + ": " + text : text;
    }
    p.skipChildren();
    return "unknown error";
  }

  static String abbreviate(byte[] data, int len) {
    String s =
        new String(data, 0, Math.min(len, 80), java.nio.charset.StandardCharsets.UTF_8)
            .replaceAll("\\p{Cntrl}", "?");
    return len > 80 ? s + "..." : s;
  }
}
