package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Options;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private final Redactor redactor =
      Redactor.of(
          new Options.Builder()
              .servers(new String[] {"nats://u:s3cret%21pw@h1:4222", "nats://tok3n-abc@h2:4222"})
              .userInfo("someone", "other-pass")
              .build());

  @Test
  void redact_urlUserInfo_masksPasswordsAndTokensKeepsHosts() {
    assertThat(redactor.redact("cannot connect to [nats://u:s3cret%21pw@h1:4222, tls://x@h2:1]"))
        .isEqualTo("cannot connect to [nats://***@h1:4222, tls://***@h2:1]");
    assertThat(Redactor.URLS_ONLY.redact("nats://tok3n-abc@h2:4222"))
        .isEqualTo("nats://***@h2:4222");
  }

  @Test
  void redact_literalSecretsOutsideUrls_masked() {
    assertThat(redactor.redact("pass other-pass, token tok3n-abc, password s3cret!pw"))
        .doesNotContain("other-pass", "tok3n-abc", "s3cret!pw");
  }

  @Test
  void redact_cleanChain_returnsTheSameException() {
    IOException clean = new IOException("timeout", new IllegalStateException("closed"));
    assertThat(redactor.redact(clean)).isSameAs(clean);
  }

  @Test
  void redact_secretDeepInTheChain_copiesEveryLinkWithItsClassNameAndTrace() {
    IOException inner =
        new IOException("Unable to connect to NATS servers: [nats://u:s3cret%21pw@h1:4222]");
    RuntimeException outer = new RuntimeException("wrapped", inner);
    outer.addSuppressed(new IllegalStateException("token tok3n-abc"));
    Throwable copy = redactor.redact(outer);
    StringWriter printed = new StringWriter();
    copy.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString())
        .doesNotContain("s3cret", "tok3n-abc")
        .contains("java.lang.RuntimeException: wrapped", "java.io.IOException: Unable to connect")
        .contains("nats://***@h1:4222");
    assertThat(copy.getCause().getStackTrace()).isEqualTo(inner.getStackTrace());
  }
}
