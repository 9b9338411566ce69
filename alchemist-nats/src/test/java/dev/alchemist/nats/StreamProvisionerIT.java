package dev.alchemist.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.testing.TestServices;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamProvisionerIT {
  private Fixtures.Space space;
  private NatsEvents events;
  private StreamProvisioner provisioner;

  @BeforeEach
  void setUp() {
    space = Fixtures.space("prov");
    events = Fixtures.connect(TestServices.nats().uri(), space.subjects());
    provisioner = events.provisioner();
  }

  @AfterEach
  void tearDown() {
    provisioner.delete(space.stream());
    events.close();
  }

  @Test
  void provision_missingThenSame_createsThenUnchanged() {
    assertThat(provisioner.diff(space.spec()).exists()).isFalse();
    assertThat(provisioner.provision(space.spec()).action())
        .isEqualTo(ProvisionResult.Action.CREATED);
    assertThat(provisioner.provision(space.spec()).action())
        .isEqualTo(ProvisionResult.Action.UNCHANGED);
    assertThat(provisioner.diff(space.spec()).inSync()).isTrue();
  }

  @Test
  void provision_mutableDrift_diffShowsAndProvisionUpdates() {
    provisioner.provision(space.spec());
    StreamSpec drifted =
        space.spec().toBuilder()
            .maxMessages(5000)
            .maxAge(Duration.ofMinutes(30))
            .duplicateWindow(Duration.ofMinutes(1))
            .build();
    StreamDiff diff = provisioner.diff(drifted);
    assertThat(diff.changes())
        .extracting(StreamDiff.Change::field)
        .containsExactlyInAnyOrder("maxMessages", "maxAge", "duplicateWindow");
    assertThat(diff.immutableChanges()).isEmpty();
    // the dry run changed nothing
    assertThat(provisioner.diff(space.spec()).inSync()).isTrue();

    ProvisionResult result = provisioner.provision(drifted);
    assertThat(result.action()).isEqualTo(ProvisionResult.Action.UPDATED);
    assertThat(provisioner.diff(drifted).inSync()).isTrue();
  }

  @Test
  void provision_immutableDrift_failsNamingFieldsAndChangesNothing() {
    provisioner.provision(space.spec());
    StreamSpec drifted =
        space.spec().toBuilder()
            .storage(StreamSpec.Storage.MEMORY)
            .retention(StreamSpec.Retention.WORK_QUEUE)
            .maxMessages(42)
            .build();
    assertThatThrownBy(() -> provisioner.provision(drifted))
        .isInstanceOf(StreamProvisioningException.class)
        .hasMessageContaining("immutable")
        .hasMessageContaining("storage")
        .hasMessageContaining("retention");
    assertThat(provisioner.diff(space.spec()).inSync()).isTrue();
  }

  @Test
  void provision_threeReplicasOnSingleServer_failsClearly() {
    StreamSpec r3 = space.spec().toBuilder().replicas(3).build();
    assertThatThrownBy(() -> provisioner.provision(r3))
        .isInstanceOf(StreamProvisioningException.class)
        .hasMessageContaining("replicas=3");
  }
}
