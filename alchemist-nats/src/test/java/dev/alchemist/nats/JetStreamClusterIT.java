package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.testing.PrivateNatsCluster;
import dev.alchemist.testing.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guide's R3 stream on a private 3-node JetStream cluster (cluster {@code production}, every
 * node tagged ssd and fast): provisioning with placement, and publishing and consuming through the
 * loss of one node, the stream leader included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JetStreamClusterIT {

  private PrivateNatsCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = PrivateNatsCluster.start();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Space(SubjectSpace subjects, StreamSpec spec) {}

  /** The guide's stream, unchanged but for a unique name and subject root and a short max age. */
  private static Space guideStream(String hint) {
    String prefix = TestServices.uniquePrefix(hint);
    SubjectSpace subjects = SubjectSpace.of(prefix);
    StreamSpec spec =
        StreamSpec.alchemistEvents().toBuilder()
            .name(prefix.toUpperCase(Locale.ROOT))
            .subjects(subjects)
            .maxAge(Duration.ofHours(1))
            .maxBytes(64L * 1024 * 1024)
            .build();
    return new Space(subjects, spec);
  }

  private NatsEvents connect(SubjectSpace subjects) {
    return NatsEvents.builder()
        .url(String.join(",", cluster.urls()))
        .subjects(subjects)
        .meterRegistry(new SimpleMeterRegistry())
        .closeTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void provision_guideR3Stream_threeReplicasWithPlacement() throws Exception {
    Space space = guideStream("r3");
    assertThat(space.spec().replicas()).isEqualTo(3);
    assertThat(space.spec().placementCluster()).isEqualTo(PrivateNatsCluster.CLUSTER_NAME);
    assertThat(space.spec().placementTags()).containsExactly("ssd", "fast");
    try (NatsEvents events = connect(space.subjects())) {
      try {
        assertThat(events.provisioner().provision(space.spec()).action())
            .isEqualTo(ProvisionResult.Action.CREATED);
        assertThat(events.provisioner().provision(space.spec()).action())
            .isEqualTo(ProvisionResult.Action.UNCHANGED);

        StreamInfo info =
            events.connection().jetStreamManagement().getStreamInfo(space.spec().name());
        assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
        Placement placement = info.getConfiguration().getPlacement();
        assertThat(placement.getCluster()).isEqualTo("production");
        assertThat(placement.getTags()).containsExactlyInAnyOrder("ssd", "fast");
        ClusterInfo clusterInfo = info.getClusterInfo();
        assertThat(clusterInfo.getName()).isEqualTo("production");
        assertThat(clusterInfo.getLeader()).isIn("n1", "n2", "n3");
        assertThat(clusterInfo.getReplicas())
            .as("two followers beside the leader")
            .hasSize(2)
            .allSatisfy(r -> assertThat(r.getName()).isNotEqualTo(clusterInfo.getLeader()));
      } finally {
        events.provisioner().delete(space.spec().name());
      }
    }
  }

  @Test
  void provision_tagNoServerHas_failsNamingPlacement() {
    Space space = guideStream("notag");
    StreamSpec nvme = space.spec().toBuilder().placementTags(List.of("ssd", "nvme")).build();
    try (NatsEvents events = connect(space.subjects())) {
      assertThatThrownBy(() -> events.provisioner().provision(nvme))
          .isInstanceOf(StreamProvisioningException.class)
          .hasMessageContaining("refused to create stream " + nvme.name())
          .hasMessageContaining("replicas=3")
          .hasMessageContaining("placement=production [ssd, nvme]");
      assertThat(events.provisioner().diff(nvme).exists()).as("nothing was created").isFalse();
    }
  }

  enum Victim {
    STREAM_LEADER,
    FOLLOWER
  }

  @ParameterizedTest
  @EnumSource(Victim.class)
  void publishAndConsume_nodeKilled_continueWithNoAckedLossNoDuplicate(Victim victim)
      throws Exception {
    Space space = guideStream("kill");
    String stream = space.spec().name();
    Set<String> received = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    AtomicBoolean down = new AtomicBoolean();
    int firstAfterKill = -1;
    int killed;
    try (NatsEvents events = connect(space.subjects())) {
      events.provisioner().provision(space.spec());
      String leader =
          events
              .connection()
              .jetStreamManagement()
              .getStreamInfo(stream)
              .getClusterInfo()
              .getLeader();
      int leaderIndex = cluster.indexOf(leader);
      killed = victim == Victim.STREAM_LEADER ? leaderIndex : (leaderIndex + 1) % cluster.size();
      ConsumerSettings consumerSettings =
          ConsumerSettings.builder(stream, "indexer")
              .filter(space.subjects().all())
              .ackWait(Duration.ofSeconds(5))
              .lagInterval(Duration.ofMillis(500))
              .build();
      try (EventConsumer consumer =
          events.consume(consumerSettings, e -> received.add(e.event().id().toString()))) {
        try (JetStreamPublisher publisher =
            events.jetStreamPublisher(
                JetStreamPublisherSettings.builder().stream(space.spec())
                    .maxInFlight(256)
                    .blockTimeout(Duration.ofSeconds(2))
                    .ackTimeout(Duration.ofSeconds(2))
                    .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .maxRetryTime(Duration.ofSeconds(40))
                    .closeTimeout(Duration.ofSeconds(30))
                    .build())) {
          Thread chaos =
              new Thread(
                  () -> {
                    pause(800);
                    cluster.kill(killed);
                    down.set(true);
                  },
                  "cluster-chaos");
          chaos.start();
          long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
          while (System.nanoTime() - end < 0 || chaos.isAlive()) {
            if (firstAfterKill < 0 && down.get()) {
              firstAfterKill = futures.size();
            }
            DomainEvent e = Fixtures.event("created", "{}");
            ids.add(e.id());
            futures.add(publisher.publish(space.subjects().subject(e), e));
            if (futures.size() % 5 == 0) {
              pause(2); // ~2k events/s: spans the failover, quick to read back
            }
          }
          chaos.join();
        } // close() waits for the outstanding acks
        assertThat(futures).allSatisfy(f -> assertThat(f).isDone());

        Set<String> acked = new HashSet<>();
        Set<String> ackedAfterKill = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
          if (!futures.get(i).isCompletedExceptionally()) {
            acked.add(ids.get(i).toString());
            if (i >= firstAfterKill) {
              ackedAfterKill.add(ids.get(i).toString());
            }
          }
        }
        assertThat(firstAfterKill)
            .as("events were published after the kill")
            .isBetween(0, futures.size() - 1);
        assertThat(ackedAfterKill)
            .as("publishing continued after %s was killed", cluster.serverName(killed))
            .isNotEmpty();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  Set<String> missing = new HashSet<>(acked);
                  missing.removeAll(received);
                  assertThat(missing.size())
                      .as("acknowledged events the durable consumer has not received")
                      .isZero();
                });
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(consumer.refreshLag().pending()).isZero());

        // Read back once the node is back, so the check does not depend on the failover.
        cluster.restart(killed);
        List<String> stored = StoredEvents.ids(liveUrl(killed), stream, space.subjects());
        assertThat(new HashSet<>(stored).size()).as("no duplicate stored").isEqualTo(stored.size());
        Set<String> lost = new HashSet<>(acked);
        stored.forEach(lost::remove);
        assertThat(lost).as("acknowledged events missing from the stream").isEmpty();
      } finally {
        if (!cluster.isRunning(killed)) {
          cluster.restart(killed);
        }
        events.provisioner().delete(stream);
      }
    }
  }

  private String liveUrl(int killed) {
    return cluster.url((killed + 1) % cluster.size());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
