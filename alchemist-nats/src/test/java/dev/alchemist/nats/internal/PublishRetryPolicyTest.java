package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.JetStreamPublisherSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PublishRetryPolicyTest {
  private final PublishRetryPolicy policy =
      new PublishRetryPolicy(
          JetStreamPublisherSettings.builder()
              .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
              .build());

  @Test
  void backoffNanos_successiveAttempts_doublesUpToTheMaximum() {
    assertThat(policy.backoffNanos(1)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(policy.backoffNanos(2)).isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(policy.backoffNanos(3)).isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(policy.backoffNanos(4)).isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(policy.backoffNanos(1_000)).isEqualTo(Duration.ofMillis(400).toNanos());
  }

  @Test
  void retryable_timeoutsNoRespondersAndFullBuffers_areRetried() {
    assertThat(PublishRetryPolicy.retryable(new TimeoutException())).isTrue();
    assertThat(PublishRetryPolicy.retryable(new CancellationException())).isTrue();
    assertThat(PublishRetryPolicy.retryable(new IOException("503 No Responders"))).isTrue();
    assertThat(PublishRetryPolicy.retryable(new IllegalStateException("buffer full"))).isTrue();
  }

  @Test
  void retryable_otherFailures_areNotRetried() {
    assertThat(PublishRetryPolicy.retryable(new IOException("broken pipe"))).isFalse();
    assertThat(PublishRetryPolicy.retryable(new IllegalArgumentException())).isFalse();
  }

  @Test
  void unwrap_wrappedCause_findsTheCauseUnderCompletionExecutionAndPlainRuntimeWrappers() {
    TimeoutException cause = new TimeoutException();
    Throwable wrapped =
        new CompletionException(new ExecutionException(new RuntimeException(cause)));

    assertThat(PublishRetryPolicy.unwrap(wrapped)).isSameAs(cause);
  }

  @Test
  void unwrap_subclassOfRuntimeException_isKept() {
    IllegalStateException e = new IllegalStateException("full", new IOException());

    assertThat(PublishRetryPolicy.unwrap(new CompletionException(e))).isSameAs(e);
  }
}
