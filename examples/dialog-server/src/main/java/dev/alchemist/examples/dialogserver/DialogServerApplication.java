package dev.alchemist.examples.dialogserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The reference dialog server. The store, cache, event bus, chat streamer and request tracker come
 * from alchemist-spring-boot-starter; this application adds the HTTP API, the answer stream and the
 * dashboard socket.
 *
 * <pre>
 * curl -XPOST localhost:8080/api/dialogs -H 'Authorization: Bearer demo-token' \
 *      -H 'Content-Type: application/json' -d '{"title":"sky"}'
 * curl -N 'localhost:8080/api/stream?prompt=Why+is+the+sky+blue'
 * wscat -c ws://localhost:8080/dashboard -x '{"type":"subscribe","domain":"all"}'
 * </pre>
 */
@SpringBootApplication
public class DialogServerApplication {
  public static void main(String[] args) {
    SpringApplication.run(DialogServerApplication.class, args);
  }
}
