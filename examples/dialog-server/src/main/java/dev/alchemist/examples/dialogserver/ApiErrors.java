package dev.alchemist.examples.dialogserver;

import dev.alchemist.store.WriterOverloadedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Every API error as {@code {"status":..,"error":..}}: the status the failure calls for and a
 * message for the caller. Input errors never become a 500; an unexpected failure is logged by class
 * only (its message may carry user content) and answered with a generic 500.
 */
@RestControllerAdvice
class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(ResponseStatusException.class)
  ResponseEntity<Map<String, Object>> status(ResponseStatusException e) {
    String reason = e.getReason();
    if (e instanceof ServerWebInputException input && reason == null) {
      reason = input.getMessage();
    }
    return body(HttpStatus.valueOf(e.getStatusCode().value()), reason);
  }

  @ExceptionHandler(WriterOverloadedException.class)
  ResponseEntity<Map<String, Object>> overloaded(WriterOverloadedException e) {
    return body(HttpStatus.SERVICE_UNAVAILABLE, "the message writer is full; retry shortly");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e) {
    log.error("request failed: {}", e.getClass().getName());
    return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
  }

  static ResponseEntity<Map<String, Object>> body(HttpStatus status, @Nullable String message) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", status.value());
    json.put("error", message == null ? status.getReasonPhrase() : message);
    return ResponseEntity.status(status).body(json);
  }
}
