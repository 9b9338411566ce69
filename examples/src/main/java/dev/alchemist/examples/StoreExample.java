package dev.alchemist.examples;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import dev.alchemist.store.MessageCursor;
import dev.alchemist.store.MessagePage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The store (alchemist-store) on embedded H2 (pass a JDBC URL, and optionally a user, to use
 * PostgreSQL): a dialog, its messages, the last N, keyset pages back in time, a batching writer and
 * the {@code domain_stats} view.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.StoreExample \
 *     [jdbc:postgresql://127.0.0.1:5432/test [postgres]]
 * </pre>
 */
public final class StoreExample {
  private StoreExample() {}

  public static void main(String[] args) {
    AlchemistDatabase.Builder builder = AlchemistDatabase.builder();
    if (args.length > 0) {
      builder.jdbcUrl(args[0]).schema("store_example");
      if (args.length > 1) {
        builder.user(args[1]);
      }
    } else {
      builder.embedded();
    }
    try (AlchemistDatabase db = builder.build()) { // connects and migrates
      Instant t = Instant.now();
      Dialog dialog = Dialog.open("user-42", "Trip planning", t);
      db.dialogs().insert(dialog);
      List<Message> messages = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        MessageRole role = i % 2 == 0 ? MessageRole.USER : MessageRole.ASSISTANT;
        messages.add(Message.of(dialog.id(), role, "message " + i, t.plusMillis(i), 2));
      }
      db.messages().insertAll(messages); // one transaction, JDBC batches

      List<Message> recent = db.messages().lastN(dialog.id(), 5); // oldest first
      System.out.println("last 5: " + recent.stream().map(Message::content).toList());
      MessagePage page = db.messages().olderThan(dialog.id(), MessageCursor.at(recent.get(0)), 50);
      int pages = 1;
      while (page.next() != null) {
        page = db.messages().olderThan(dialog.id(), page.next(), 50);
        pages++;
      }
      System.out.printf(
          "walked back in %d keyset pages; %d messages in the dialog%n",
          pages, db.messages().count(dialog.id()));

      try (BatchingWriter<DomainEvent> events = db.eventWriter(BatchSettings.defaults())) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          acks.add(
              events.submit(
                  DomainEvent.of("dialog", "message", "created", "s-" + (i % 7), t, "{}")));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        System.out.println("1,000 events committed in batches of up to 500");
      }
      System.out.println("maintenance (partitions, retention): " + db.domainStats().refreshNow());
      System.out.println("domain_stats, current without a refresh: " + db.domainStats().all());
    }
  }
}
