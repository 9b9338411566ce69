package dev.alchemist.nats;

import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.KryoCodecs;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads back the ids of every event a stream holds, for the reliability tests. */
final class StoredEvents {
  private StoredEvents() {}

  /**
   * The ids of the events in {@code stream}, in stream order. JetStream API calls are retried for
   * up to a minute, since a cluster may still be electing a new meta leader after a node died.
   */
  static List<String> ids(String url, String stream, SubjectSpace space) throws Exception {
    var codec = KryoCodecs.builder().build().codec(DomainEvent.class);
    List<String> ids = new ArrayList<>();
    Connection nc = Nats.connect(url);
    try {
      // The meta leader may have been on the killed node: API requests wait for the new one.
      JetStreamOptions patient =
          JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(10)).build();
      long total =
          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () ->
                      nc.jetStreamManagement(patient)
                          .getStreamInfo(stream)
                          .getStreamState()
                          .getMsgCount(),
                  count -> count >= 0);
      JetStreamSubscription sub =
          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () ->
                      nc.jetStream(patient)
                          .subscribe(
                              space.all().toString(),
                              PullSubscribeOptions.builder().stream(stream).build()),
                  s -> true);
      while (ids.size() < total) {
        List<Message> batch = sub.fetch(500, Duration.ofSeconds(5));
        if (batch.isEmpty()) {
          break;
        }
        for (Message m : batch) {
          ids.add(codec.decode(m.getData()).id().toString());
          m.ack();
        }
      }
    } finally {
      nc.close();
    }
    return ids;
  }
}
