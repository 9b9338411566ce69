package dev.alchemist.it.consumer;

import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import java.io.Serializable;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * What the snippets take from the host application around them: its own classes and the
 * objects it already has. Only their types matter here; the snippets' classes receive them.
 */
final class HostTypes {
  private HostTypes() {}

  /** A host class registered with the codec. */
  record Order(String id, long cents) implements Serializable {}

  /** Another host class registered with the codec. */
  record OrderLine(String orderId, String sku, int quantity) implements Serializable {}

  /** The host's view model of a dashboard. */
  record Snapshot(long events) {}

  /** The host's per-domain figures. */
  record Stats(String domain, long count) {}

  /** The host's reply to a request. */
  record Reply(String text) {}

  interface Ui {
    void render(Snapshot snapshot);
  }

  interface Socket {
    void send(String key, Stats stats);
  }

  /** A WebSocket session whose send completes when the frame is written. */
  interface Session {
    CompletionStage<Void> send(String json);
  }

  interface StatsSource {
    Stats of(String domain);
  }

  interface Model {
    Snapshot apply(DomainEvent event);

    Reply reply(String prompt);
  }

  /** A model client that answers asynchronously. */
  interface AsyncModel {
    CompletableFuture<Reply> reply(String prompt);
  }

  interface Repository {
    DialogHistory loadHistory(UUID dialogId);
  }

  interface HistoryStore {
    DialogHistory history(UUID dialogId);

    void touch(UUID dialogId);
  }

  interface Service {
    Reply reply(String request);
  }

  /** A dashboard that takes a stream's chunks. */
  interface Dashboard extends Flow.Subscriber<String> {}
}
