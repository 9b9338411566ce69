package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.OverflowPolicy;
import io.nats.client.impl.Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingSlotsTest {
  private final PendingSlots slots = new PendingSlots(2);

  private static PendingPublish pending() {
    return new PendingPublish(null, "s", new Headers(), new byte[0], 0);
  }

  @Test
  void acquire_allPermitsHeldFailFast_isRefused() {
    assertThat(slots.acquire(OverflowPolicy.FAIL_FAST, 0)).isTrue();
    assertThat(slots.acquire(OverflowPolicy.FAIL_FAST, 0)).isTrue();

    assertThat(slots.acquire(OverflowPolicy.FAIL_FAST, 0)).isFalse();
  }

  @Test
  void release_admittedPublish_freesItsSlotCountAndPermit() {
    slots.acquire(OverflowPolicy.FAIL_FAST, 0);
    slots.acquire(OverflowPolicy.FAIL_FAST, 0);
    PendingPublish first = pending();
    PendingPublish second = pending();
    slots.admit(first);
    slots.admit(second);
    assertThat(slots.occupied()).isEqualTo(2);
    assertThat(slots.outstanding()).containsExactlyInAnyOrder(first, second);
    assertThat(first.slot).isNotEqualTo(second.slot);

    slots.release(first);

    assertThat(slots.occupied()).isEqualTo(1);
    assertThat(slots.outstanding()).containsExactly(second);
    assertThat(slots.inFlight().get()).isEqualTo(1);
    assertThat(slots.acquire(OverflowPolicy.FAIL_FAST, 0)).as("its permit came back").isTrue();
  }

  @Test
  void free_slotAlreadyTakenByTheNextPublish_leavesTheNextPublishInIt() {
    PendingSlots one = new PendingSlots(1); // one slot: the next publish must take the same one
    one.acquire(OverflowPolicy.FAIL_FAST, 0);
    PendingPublish first = pending();
    one.admit(first);
    one.release(first);
    one.acquire(OverflowPolicy.FAIL_FAST, 0);
    PendingPublish next = pending();
    one.admit(next);
    assertThat(next.slot).isEqualTo(first.slot);

    one.release(first); // a late second release of the finished publish

    assertThat(one.outstanding()).containsExactly(next);
  }

  @Test
  void awaitEmpty_lastPublishReleasedByAnotherThread_returnsTrue() throws Exception {
    slots.acquire(OverflowPolicy.FAIL_FAST, 0);
    PendingPublish p = pending();
    slots.admit(p);
    Thread releaser = new Thread(() -> slots.release(p), "slots-test-releaser");
    releaser.start();

    assertThat(slots.awaitEmpty(System.nanoTime() + TimeUnit.MINUTES.toNanos(5))).isTrue();
    releaser.join();
  }

  @Test
  void awaitEmpty_publishStillInFlightAtTheDeadline_returnsFalse() {
    slots.acquire(OverflowPolicy.FAIL_FAST, 0);
    slots.admit(pending());

    assertThat(slots.awaitEmpty(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
  }
}
