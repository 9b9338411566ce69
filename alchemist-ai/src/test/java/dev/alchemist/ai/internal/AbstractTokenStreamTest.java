package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.AiException;
import dev.alchemist.core.flow.FakeScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AbstractTokenStreamTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ManualTokenStream model = new ManualTokenStream(scheduler);

  @Test
  void idleTimeout_subscriberWithoutDemand_doesNotFire_butAWaitForTheModelDoes() {
    RecordingSubscriber s = RecordingSubscriber.manual();
    model.subscribe(s);
    s.request(1);
    model.push("a", "b");
    assertThat(s.items).containsExactly("a");
    // "b" waits for the subscriber, not the subscriber for the model: far past the 30 s idle.
    scheduler.advance(Duration.ofSeconds(95));
    assertThat(s.error).isNull();
    s.request(1);
    assertThat(s.items).containsExactly("a", "b");
    // Queue empty and no demand: still the subscriber's pause.
    scheduler.advance(Duration.ofSeconds(95));
    assertThat(s.error).isNull();
    // Now the subscriber waits for the model: the idle deadline counts from this request.
    s.request(1);
    scheduler.advance(Duration.ofSeconds(29));
    assertThat(s.error).isNull();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(s.error).isInstanceOf(AiException.class);
    assertThat(((AiException) s.error).timeout()).contains(AiException.Timeout.IDLE);
  }

  @Test
  void requestMore_isAskedOnlyWithDemand_afterTheFirstToken() {
    RecordingSubscriber s = RecordingSubscriber.manual();
    model.subscribe(s);
    // Before the first token the stream reads on without demand (the first-token deadline).
    assertThat(model.pulls).isEqualTo(1);
    model.push("a");
    int pulls = model.pulls;
    model.wantMoreNow();
    model.wantMoreNow();
    assertThat(model.pulls).as("no demand, no reads").isEqualTo(pulls);
    s.request(1);
    assertThat(s.items).containsExactly("a");
    s.request(1);
    assertThat(model.pulls).isEqualTo(pulls + 1);
  }
}
