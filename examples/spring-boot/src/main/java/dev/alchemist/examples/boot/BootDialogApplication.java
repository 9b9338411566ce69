package dev.alchemist.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A dialog service in one class of wiring: every Alchemist bean (store, cache, event bus, chat
 * streamer, request tracker, health indicators) comes from alchemist-spring-boot-starter and {@code
 * application.properties}.
 *
 * <pre>
 * curl -XPOST localhost:8080/dialogs -d 'user=ada'
 * curl -XPOST localhost:8080/dialogs/{id}/messages -d 'text=Why is the sky blue?'
 * curl localhost:8080/dialogs/{id}/messages
 * curl localhost:8080/actuator/health
 * curl localhost:8080/actuator/prometheus | grep alchemist_
 * </pre>
 */
@SpringBootApplication
public class BootDialogApplication {
  public static void main(String[] args) {
    SpringApplication.run(BootDialogApplication.class, args);
  }
}
