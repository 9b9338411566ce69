package dev.alchemist.examples.dialogserver;

import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.nats.EventBus;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.MessageCursor;
import dev.alchemist.store.MessagePage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The dialog API. Every endpoint takes a bearer token. The store is JDBC, so its calls run on
 * Reactor's bounded elastic pool, never on the event loop; each is timed by the request tracker.
 */
@RestController
class DialogController {
  /** The first page, the one kept in the {@code dialog_history} cache. */
  static final int FIRST_PAGE = 50;

  static final int MAX_PAGE = 500;

  private final AlchemistDatabase db;
  private final BatchingWriter<Message> messages;
  private final Cache<UUID, DialogHistory> histories;
  private final EventBus events;
  private final TokenAuthenticator tokens;
  private final JsonBodies bodies;
  private final RequestTracker tracker;
  private final ServerActivity activity;

  DialogController(
      AlchemistDatabase db,
      BatchingWriter<Message> messages,
      CacheManager caches,
      EventBus events,
      TokenAuthenticator tokens,
      JsonBodies bodies,
      RequestTracker tracker,
      ServerActivity activity) {
    this.db = db;
    this.messages = messages;
    this.histories = caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);
    this.events = events;
    this.tokens = tokens;
    this.bodies = bodies;
    this.tracker = tracker;
    this.activity = activity;
  }

  /** {@code {"title":"..."}} (title optional). */
  record CreateDialog(@Nullable String title) {}

  /** {@code {"content":"..."}}. */
  record PostMessage(@Nullable String content) {}

  record DialogCreated(UUID id, String title, Instant createdAt) {}

  record MessageView(UUID id, UUID dialogId, String role, String content, Instant timestamp) {
    static MessageView of(Message m) {
      return new MessageView(m.id(), m.dialogId(), m.role().name(), m.content(), m.timestamp());
    }
  }

  /** A page, oldest first; {@code next} is the cursor of the page before it, null at the start. */
  record PageView(List<MessageView> messages, @Nullable String next) {}

  @PostMapping("/api/dialogs")
  Mono<ResponseEntity<DialogCreated>> create(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String auth,
      ServerHttpRequest request) {
    return blocking(() -> tokens.authenticate(auth))
        .zipWith(bodies.read(request, CreateDialog.class))
        .flatMap(
            in ->
                blocking(
                    () ->
                        tracker.track(
                            "dialog.create",
                            () -> {
                              String title = in.getT2().title();
                              Dialog dialog =
                                  Dialog.open(
                                      in.getT1(), title == null ? "chat" : title, Instant.now());
                              db.dialogs().insert(dialog);
                              return dialog;
                            })))
        .map(
            dialog -> {
              activity.dialogActive(dialog.id());
              publish("dialog", "created", dialog.id(), "{\"dialogId\":\"" + dialog.id() + "\"}");
              return ResponseEntity.status(HttpStatus.CREATED)
                  .body(new DialogCreated(dialog.id(), dialog.title(), dialog.createdAt()));
            });
  }

  @PostMapping("/api/dialogs/{id}/messages")
  Mono<ResponseEntity<MessageView>> post(
      @PathVariable("id") String id,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String auth,
      ServerHttpRequest request) {
    UUID dialogId = dialogId(id);
    return blocking(() -> tokens.authenticate(auth))
        .then(bodies.read(request, PostMessage.class))
        .flatMap(
            in -> {
              if (in.content() == null || in.content().length() > Message.MAX_CONTENT_LENGTH) {
                return Mono.error(
                    JsonBodies.badRequest("'content' is required, at most 1 Mi characters"));
              }
              return blocking(() -> existing(dialogId))
                  .then(
                      Mono.defer(
                          () -> {
                            Message m =
                                Message.of(
                                    dialogId, MessageRole.USER, in.content(), Instant.now(), 0);
                            // Many requests share one batch insert; the response waits for its
                            // commit, so a read after it sees the message.
                            return Mono.fromFuture(
                                    tracker.trackAsync("message.append", () -> messages.submit(m)))
                                .onErrorMap(CompletionException.class, Throwable::getCause)
                                .thenReturn(m)
                                // The commit completes on the writer's thread: the cache
                                // invalidation and the publish that follow must not hold it.
                                .publishOn(Schedulers.boundedElastic());
                          }));
            })
        .map(
            m -> {
              histories.invalidate(dialogId);
              activity.dialogActive(dialogId);
              publish(
                  "message",
                  "created",
                  dialogId,
                  "{\"dialogId\":\"" + dialogId + "\",\"messageId\":\"" + m.id() + "\"}");
              return ResponseEntity.status(HttpStatus.CREATED).body(MessageView.of(m));
            });
  }

  @GetMapping("/api/dialogs/{id}/messages")
  Mono<PageView> page(
      @PathVariable("id") String id,
      @RequestParam(name = "before", required = false) @Nullable String before,
      @RequestParam(name = "limit", defaultValue = "" + FIRST_PAGE) int limit,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String auth) {
    UUID dialogId = dialogId(id);
    if (limit < 1 || limit > MAX_PAGE) {
      return Mono.error(JsonBodies.badRequest("limit must be 1 to " + MAX_PAGE));
    }
    MessageCursor cursor = before == null ? null : Cursors.parse(before);
    return blocking(
        () -> {
          tokens.authenticate(auth);
          return tracker.track("message.page", () -> read(dialogId, cursor, limit));
        });
  }

  private PageView read(UUID dialogId, @Nullable MessageCursor before, int limit) {
    if (before == null && limit == FIRST_PAGE) {
      DialogHistory history =
          histories.get(
              dialogId,
              key -> {
                existing(key);
                return new DialogHistory(key, db.messages().lastN(key, FIRST_PAGE));
              });
      List<Message> rows = history == null ? List.of() : history.messages();
      String next = rows.size() < FIRST_PAGE ? null : Cursors.format(MessageCursor.at(rows.get(0)));
      return new PageView(rows.stream().map(MessageView::of).toList(), next);
    }
    existing(dialogId);
    MessagePage page = db.messages().olderThan(dialogId, before, limit);
    List<Message> rows = page.messages();
    // Shown oldest first whatever order the page comes in.
    List<Message> ordered =
        rows.stream()
            .sorted(java.util.Comparator.comparing(Message::timestamp).thenComparing(Message::id))
            .toList();
    return new PageView(
        ordered.stream().map(MessageView::of).toList(),
        page.next() == null ? null : Cursors.format(page.next()));
  }

  private Dialog existing(UUID dialogId) {
    return db.dialogs()
        .find(dialogId)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such dialog"));
  }

  private void publish(String entity, String type, UUID dialogId, String payload) {
    events.publish(
        DomainEvent.of("dialog", entity, type, dialogId.toString(), Instant.now(), payload));
  }

  private static UUID dialogId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      // Not an id we could have issued: no such dialog.
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such dialog");
    }
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
