package dev.alchemist.ai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.alchemist.ai.AiException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Ollama {@code /api/chat} NDJSON: one JSON object per line with {@code message.content}; the last
 * has {@code "done": true}, {@code done_reason} and the duration fields (nanoseconds); an {@code
 * error} member reports a failure. Blank lines are ignored.
 */
final class OllamaDecoder extends WireDecoder implements LineSplitter.LineSink {
  private final LineSplitter lines = new LineSplitter(this, MAX_EVENT_BYTES);

  OllamaDecoder(WireListener listener) {
    super(listener);
  }

  @Override
  public void feed(ByteBuffer buffer) {
    lines.feed(buffer);
  }

  @Override
  public void finish() {
    lines.finish();
  }

  @Override
  public void line(byte[] bytes, int offset, int length) {
    int start = offset;
    int end = offset + length;
    while (start < end && (bytes[start] == ' ' || bytes[start] == '\t')) {
      start++;
    }
    if (start == end) {
      return;
    }
    try (JsonParser p = JSON.createParser(bytes, start, end - start)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        listener.skipped("NDJSON line is not a JSON object: " + abbreviate(bytes, offset, length));
        return;
      }
      boolean done = false;
      long prompt = -1;
      long completion = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "message" -> readMessage(p);
          case "done" -> done = v == JsonToken.VALUE_TRUE;
          case "done_reason" -> {
            if (v == JsonToken.VALUE_STRING) {
              listener.finishReason(p.getText());
            }
          }
          case "load_duration" -> {
            if (v == JsonToken.VALUE_NUMBER_INT) {
              listener.loadDuration(p.getLongValue());
            }
          }
          case "prompt_eval_count" ->
              prompt = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "eval_count" -> completion = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "error" -> {
            listener.error(
                new AiException(AiException.Reason.STREAM, "provider error: " + readError(p)));
            return;
          }
          default -> p.skipChildren();
        }
      }
      if (done) {
        if (prompt >= 0 || completion >= 0) {
          listener.usage(prompt, completion);
        }
        listener.done();
      }
    } catch (IOException | RuntimeException e) {
      listener.skipped(
          "malformed NDJSON line ("
              + e.getClass().getSimpleName()
              + "): "
              + abbreviate(bytes, offset, length));
    }
  }

  private void readMessage(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("content".equals(field) && v == JsonToken.VALUE_STRING) {
        String text = p.getText();
        if (!text.isEmpty()) {
          listener.token(text);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static String abbreviate(byte[] bytes, int offset, int length) {
    byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + Math.min(length, 81));
    return WireDecoder.abbreviate(copy, Math.min(length, copy.length));
  }
}
