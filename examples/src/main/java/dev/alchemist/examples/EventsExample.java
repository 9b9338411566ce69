package dev.alchemist.examples;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectPattern;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * alchemist-nats with the in-process bus (pass a NATS URL as the first argument to use a real
 * server): typed subjects {@code cim.{domain}.{entity}.{event}}, wildcard subscriptions with NATS'
 * matching rules, and a refused subject.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.EventsExample [nats://127.0.0.1:4222]
 * </pre>
 */
public final class EventsExample {
  private EventsExample() {}

  public static void main(String[] args) {
    List<String> created = new CopyOnWriteArrayList<>();
    List<String> dialogs = new CopyOnWriteArrayList<>();
    EventBus bus = args.length > 0 ? NatsEvents.connect(args[0]) : InProcessEventBus.create();
    try {
      EventSubscription anyCreated =
          bus.subscribe(bus.subjects().pattern("*.*.created"), e -> created.add(e.subject()));
      EventSubscription dialogDomain =
          bus.subscribe(bus.subjects().pattern("dialog.>"), e -> dialogs.add(e.subject()));

      bus.publish(event("dialog", "message", "created"));
      bus.publish(event("dialog", "reply", "completed"));
      bus.publish(event("billing", "invoice", "created"));
      if (bus instanceof NatsEvents nats) {
        nats.flush(java.time.Duration.ofSeconds(2));
      }
      bus.close(); // delivers what was published before it returns (idempotent)
      System.out.println("*.*.created saw " + created + " (" + anyCreated.delivered() + ")");
      System.out.println("dialog.>    saw " + dialogs + " (" + dialogDomain.delivered() + ")");
    } finally {
      bus.close();
    }
    System.out.println(
        "cim.*.*.created matches cim.dialog.message.created: "
            + SubjectPattern.parse("cim.*.*.created").matches("cim.dialog.message.created"));
    System.out.println(
        "subject for dialog/message/created: " + Subject.of("dialog", "message", "created"));
    try {
      Subject.validate("cim.dialog..created");
    } catch (IllegalArgumentException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }

  private static DomainEvent event(String domain, String entity, String type) {
    return DomainEvent.of(domain, entity, type, "session-1", Instant.now(), "{}");
  }
}
