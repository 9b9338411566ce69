package dev.alchemist.ai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.alchemist.ai.AiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Chat-completions SSE: {@code data: {chunk}} events with {@code choices[0].delta.content}, a final
 * usage chunk when {@code stream_options.include_usage} is set, {@code data: [DONE]} at the end,
 * and errors either as an {@code event: error} or as a chunk with an {@code error} member.
 */
final class OpenAiDecoder extends WireDecoder implements SseParser.EventSink {
  private final SseParser sse = new SseParser(this, MAX_EVENT_BYTES);
  private final LineSplitter lines = new LineSplitter(sse, MAX_EVENT_BYTES);

  OpenAiDecoder(WireListener listener) {
    super(listener);
  }

  @Override
  public void feed(ByteBuffer buffer) {
    lines.feed(buffer);
  }

  @Override
  public void finish() {
    lines.finish();
    if (sse.finish()) {
      listener.skipped("incomplete last SSE event (no blank line before the end of the body)");
    }
  }

  @Override
  public void event(@Nullable String event, byte[] data, int length) {
    if (length == 6 && startsWith(data, "[DONE]")) {
      listener.done();
      return;
    }
    if ("error".equals(event)) {
      listener.error(
          new AiException(
              AiException.Reason.STREAM, "provider error event: " + text(data, length)));
      return;
    }
    try (JsonParser p = JSON.createParser(data, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        listener.skipped("SSE data is not a JSON object: " + abbreviate(data, length));
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "choices" -> readChoices(p);
          case "usage" -> readUsage(p);
          case "error" -> {
            listener.error(
                new AiException(AiException.Reason.STREAM, "provider error: " + readError(p)));
            return;
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      listener.skipped(
          "malformed SSE data (" + e.getClass().getSimpleName() + "): " + abbreviate(data, length));
    }
  }

  private void readChoices(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("delta".equals(name) && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken fv = p.nextToken();
            if ("content".equals(field) && fv == JsonToken.VALUE_STRING) {
              String text = p.getText();
              if (!text.isEmpty()) {
                listener.token(text);
              }
            } else {
              p.skipChildren();
            }
          }
        } else if ("finish_reason".equals(name) && v == JsonToken.VALUE_STRING) {
          listener.finishReason(p.getText());
        } else {
          p.skipChildren();
        }
      }
    }
  }

  private void readUsage(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    long prompt = -1;
    long completion = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("prompt_tokens".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
        prompt = p.getLongValue();
      } else if ("completion_tokens".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
        completion = p.getLongValue();
      } else {
        p.skipChildren();
      }
    }
    listener.usage(prompt, completion);
  }

  private static boolean startsWith(byte[] data, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (data[i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] data, int length) {
    try (JsonParser p = JSON.createParser(data, 0, length)) {
      p.nextToken();
      if (p.currentToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if ("error".equals(name) || "message".equals(name)) {
            return readError(p);
          }
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: fall through to the raw text
    }
    return abbreviate(data, length);
  }
}
