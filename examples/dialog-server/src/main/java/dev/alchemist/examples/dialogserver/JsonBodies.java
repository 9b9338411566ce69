package dev.alchemist.examples.dialogserver;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies as JSON with a size limit. A body over the limit is a 413 as soon as the
 * limit is crossed (the rest is never buffered), whether or not it declared its length; malformed
 * JSON, an unknown field or a wrong type is a 400 whose message says where, never a 500. Messages
 * name the position and the field, never the content (it may be the user's text).
 */
final class JsonBodies {
  private final JsonMapper json =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final int maxBytes;

  JsonBodies(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  int maxBytes() {
    return maxBytes;
  }

  /** The body as {@code type}; an empty body is a 400. */
  <T> Mono<T> read(ServerHttpRequest request, Class<T> type) {
    long declared = request.getHeaders().getContentLength();
    if (declared > maxBytes) {
      return Mono.error(tooLarge());
    }
    return DataBufferUtils.join(request.getBody(), maxBytes)
        .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
        .switchIfEmpty(Mono.error(badRequest("a JSON body is required")))
        .map(buffer -> parse(buffer, type));
  }

  private <T> T parse(DataBuffer buffer, Class<T> type) {
    byte[] bytes = new byte[buffer.readableByteCount()];
    buffer.read(bytes);
    DataBufferUtils.release(buffer);
    try {
      T value = json.readValue(bytes, type);
      if (value == null) {
        throw badRequest("a JSON object is required");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw badRequest("unknown field '" + e.getPropertyName() + "'");
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw badRequest("malformed JSON body" + where);
    }
  }

  private ResponseStatusException tooLarge() {
    return new ResponseStatusException(
        HttpStatus.CONTENT_TOO_LARGE, "the body exceeds " + maxBytes + " bytes");
  }

  static ResponseStatusException badRequest(String reason) {
    return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
  }
}
