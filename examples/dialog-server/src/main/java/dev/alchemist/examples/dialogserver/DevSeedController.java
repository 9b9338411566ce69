package dev.alchemist.examples.dialogserver;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.store.AlchemistDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code POST /api/dev/seed {"messages":100000,"title":"..."}}: opens a dialog holding that many
 * messages, loaded in one go through the store's bulk loader ({@code COPY} on PostgreSQL), so the
 * page and the browser test have a long dialog to scroll within seconds. For development only: it
 * exists only with {@code dialog-server.dev.seed-enabled=true} (default false; otherwise the path
 * is a 404) and, like every dialog endpoint, takes the bearer token.
 */
@RestController
@ConditionalOnProperty(name = "dialog-server.dev.seed-enabled", havingValue = "true")
class DevSeedController {
  static final int MAX_MESSAGES = 1_000_000;

  private final AlchemistDatabase db;
  private final TokenAuthenticator tokens;
  private final JsonBodies bodies;
  private final ServerActivity activity;

  DevSeedController(
      AlchemistDatabase db, TokenAuthenticator tokens, JsonBodies bodies, ServerActivity activity) {
    this.db = db;
    this.tokens = tokens;
    this.bodies = bodies;
    this.activity = activity;
  }

  /** {@code messages} from 1 to {@link #MAX_MESSAGES}; {@code title} optional. */
  record SeedRequest(@Nullable Integer messages, @Nullable String title) {}

  record Seeded(UUID id, long messages) {}

  @PostMapping("/api/dev/seed")
  Mono<ResponseEntity<Seeded>> seed(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String auth,
      ServerHttpRequest request) {
    return Mono.fromCallable(() -> tokens.authenticate(auth))
        .subscribeOn(Schedulers.boundedElastic())
        .zipWith(bodies.read(request, SeedRequest.class))
        .publishOn(Schedulers.boundedElastic())
        .map(
            in -> {
              Integer count = in.getT2().messages();
              if (count == null || count < 1 || count > MAX_MESSAGES) {
                throw JsonBodies.badRequest(
                    "'messages' must be 1 to " + MAX_MESSAGES + ", was " + count);
              }
              String title = in.getT2().title();
              Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
              Dialog dialog =
                  Dialog.open(
                      in.getT1(), title == null ? "seeded" : title, now.minusMillis(count + 1L));
              db.dialogs().insert(dialog);
              long loaded = db.messages().bulkLoad(() -> messages(dialog.id(), count, now));
              activity.dialogActive(dialog.id());
              return ResponseEntity.status(HttpStatus.CREATED)
                  .body(new Seeded(dialog.id(), loaded));
            });
  }

  /**
   * {@code count} messages one millisecond apart, the last one just before {@code end}, users and
   * the assistant in turn; made as the loader reads them, never all in memory at once.
   */
  private static Iterator<Message> messages(UUID dialogId, int count, Instant end) {
    Instant first = end.minusMillis(count);
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Message next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        int n = next++;
        MessageRole role = n % 2 == 0 ? MessageRole.USER : MessageRole.ASSISTANT;
        return Message.of(
            dialogId, role, "message " + (n + 1) + " of " + count, first.plusMillis(n), 0);
      }
    };
  }
}
