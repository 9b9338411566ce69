package dev.alchemist.ai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatOptions;
import dev.alchemist.ai.ChatRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The JSON bodies {@link HttpChatClient} sends, in the OpenAI or the Ollama dialect. Separate from
 * the client because writing the provider's wire format has nothing to do with opening streams,
 * mapping failures or closing what the client owns.
 */
final class RequestBodies {
  private final boolean ollama;
  private final @Nullable Duration keepAlive;

  /**
   * @param ollama whether to write Ollama's dialect rather than OpenAI's
   * @param keepAlive Ollama's {@code keep_alive}, or null for the server's default
   */
  RequestBodies(boolean ollama, @Nullable Duration keepAlive) {
    this.ollama = ollama;
    this.keepAlive = keepAlive;
  }

  /** The body of a chat call; {@code stream} asks for a token stream instead of one answer. */
  byte[] chat(ChatRequest request, boolean stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = WireDecoder.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", request.model());
      g.writeArrayFieldStart("messages");
      for (ChatMessage m : request.messages()) {
        g.writeStartObject();
        g.writeStringField("role", m.role().name().toLowerCase(Locale.ROOT));
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanField("stream", stream);
      ChatOptions o = request.options();
      if (ollama) {
        if (keepAlive != null) {
          g.writeStringField("keep_alive", keepAlive.toSeconds() + "s");
        }
        g.writeObjectFieldStart("options");
        writeNumber(g, "temperature", o.temperature());
        writeNumber(g, "top_p", o.topP());
        writeNumber(g, "num_predict", o.maxTokens());
        writeNumber(g, "seed", o.seed());
        writeStops(g, o);
        g.writeEndObject();
      } else {
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
        writeNumber(g, "temperature", o.temperature());
        writeNumber(g, "top_p", o.topP());
        writeNumber(g, "max_tokens", o.maxTokens());
        writeNumber(g, "seed", o.seed());
        writeStops(g, o);
      }
      if (!o.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (String tool : o.tools()) {
          g.writeRawValue(tool);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Ollama's load call: a chat without messages, which loads the model and answers nothing. */
  byte[] warmUp(String model) {
    String keepAliveField =
        keepAlive == null ? "" : ",\"keep_alive\":\"" + keepAlive.toSeconds() + "s\"";
    StringBuilder sb = new StringBuilder("{\"model\":");
    try (var w = new java.io.StringWriter();
        JsonGenerator g = WireDecoder.JSON.createGenerator(w)) {
      g.writeString(model);
      g.flush();
      sb.append(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sb.append(",\"messages\":[],\"stream\":false").append(keepAliveField).append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void writeNumber(JsonGenerator g, String name, @Nullable Number n)
      throws IOException {
    if (n instanceof Double d) {
      g.writeNumberField(name, d);
    } else if (n instanceof Integer i) {
      g.writeNumberField(name, i);
    } else if (n instanceof Long l) {
      g.writeNumberField(name, l);
    }
  }

  private static void writeStops(JsonGenerator g, ChatOptions o) throws IOException {
    if (!o.stop().isEmpty()) {
      g.writeArrayFieldStart("stop");
      for (String s : o.stop()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
  }
}
