package dev.alchemist.examples.boot;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.boot.CachePolicies;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.nats.EventBus;
import dev.alchemist.store.AlchemistDatabase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Opens dialogs, answers messages with the chat streamer, and reads histories through the cache.
 * Every call is timed by the request tracker, so the dashboard's latency panels fill.
 */
@RestController
class DialogController {
  private static final int HISTORY = 50;

  private final AlchemistDatabase db;
  private final Cache<UUID, DialogHistory> histories;
  private final EventBus events;
  private final ChatStreamer chat;
  private final RequestTracker tracker;

  DialogController(
      AlchemistDatabase db,
      CacheManager caches,
      CachePolicies policies,
      EventBus events,
      ChatStreamer chat,
      RequestTracker tracker) {
    this.db = db;
    this.histories = caches.cache(policies.get("dialog-history"), UUID.class, DialogHistory.class);
    this.events = events;
    this.chat = chat;
    this.tracker = tracker;
  }

  @PostMapping("/dialogs")
  String open(@RequestParam("user") String user) {
    return tracker.track(
        "dialog.open",
        () -> {
          Dialog dialog = Dialog.open(user, "chat", Instant.now());
          db.dialogs().insert(dialog);
          return dialog.id().toString();
        });
  }

  @PostMapping("/dialogs/{id}/messages")
  String reply(@PathVariable("id") UUID id, @RequestParam("text") String text) throws Exception {
    Message question = Message.of(id, MessageRole.USER, text, Instant.now(), 0);
    db.messages().append(question);
    histories.invalidate(id);
    events.publish(
        DomainEvent.of("dialog", "message", "created", id.toString(), Instant.now(), text));
    String answer =
        collect(chat.stream(ChatRequest.of("simulated", text))).get(60, TimeUnit.SECONDS);
    tracker.track(
        "dialog.reply",
        () ->
            db.messages().append(Message.of(id, MessageRole.ASSISTANT, answer, Instant.now(), 0)));
    histories.invalidate(id);
    return answer;
  }

  @GetMapping("/dialogs/{id}/messages")
  List<String> history(@PathVariable("id") UUID id) {
    return tracker.track(
        "dialog.history",
        () ->
            histories
                .get(id, key -> new DialogHistory(key, db.messages().lastN(key, HISTORY)))
                .messages()
                .stream()
                .map(m -> m.role() + ": " + m.content())
                .toList());
  }

  /** The whole answer, chunk by chunk. */
  private static CompletableFuture<String> collect(Flow.Publisher<String> chunks) {
    CompletableFuture<String> done = new CompletableFuture<>();
    chunks.subscribe(
        new Flow.Subscriber<>() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String chunk) {
            text.append(chunk);
          }

          @Override
          public void onError(Throwable failure) {
            done.completeExceptionally(failure);
          }

          @Override
          public void onComplete() {
            done.complete(text.toString());
          }
        });
    return done;
  }
}
