package dev.alchemist.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TestServicesTest {

  private static final String VALID_NAME = "[a-z][a-z0-9_]{0,62}";

  @Property
  void uniquePrefix_anyHint_isLowercaseIdentifierOfBoundedLength(@ForAll String hint) {
    String name = TestServices.uniquePrefix(hint);

    assertThat(name).matches(VALID_NAME).hasSizeLessThanOrEqualTo(55);
  }

  @Test
  void uniquePrefix_readableHint_keepsItAndAddsRandomSuffix() {
    String first = TestServices.uniquePrefix("CacheIT.dialog-history");
    String second = TestServices.uniquePrefix("CacheIT.dialog-history");

    assertThat(first).matches("cacheit_dialog_history_[a-z0-9]{12}");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void uniquePrefix_hintStartingWithDigitOrEmpty_startsWithLetter() {
    assertThat(TestServices.uniquePrefix("9lives")).startsWith("t_9lives_");
    assertThat(TestServices.uniquePrefix("")).matches("t__[a-z0-9]{12}");
  }

  @Test
  void checkNats_serverWithoutJetStream_failsSayingSo() throws Exception {
    try (FakeServer fake = new FakeServer("INFO {\"port\":1,\"jetstream\":false}\r\n")) {
      ServiceAddress address = new ServiceAddress("nats", "127.0.0.1", fake.port());

      assertThatThrownBy(() -> TestServices.checkNats(address))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining(address.uri())
          .hasMessageContaining("JetStream is off")
          .hasMessageContaining("scripts/services.sh");
    }
  }

  @Test
  void checkNats_infoWithJetStream_passes() throws Exception {
    try (FakeServer fake = new FakeServer("INFO {\"port\":1,\"jetstream\":true}\r\n")) {
      ServiceAddress address = new ServiceAddress("nats", "127.0.0.1", fake.port());

      assertThat(TestServices.checkNats(address)).isEqualTo(address);
    }
  }

  @Test
  void checkRedis_serverAskingForPassword_failsWithItsReply() throws Exception {
    try (FakeServer fake = new FakeServer("-NOAUTH Authentication required.\r\n")) {
      ServiceAddress address = new ServiceAddress("redis", "127.0.0.1", fake.port());

      assertThatThrownBy(() -> TestServices.checkRedis(address))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining(address.uri())
          .hasMessageContaining("-NOAUTH Authentication required.");
    }
  }

  @Test
  void checkRedis_serverThatHangsUp_failsWithReason() throws Exception {
    try (FakeServer fake = new FakeServer("")) {
      ServiceAddress address = new ServiceAddress("redis", "127.0.0.1", fake.port());

      assertThatThrownBy(() -> TestServices.checkRedis(address))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("closed the connection without a reply");
    }
  }

  /** Accepts one connection, sends a fixed text, and hangs up once the client has written. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocket socket;
    private final CompletableFuture<Void> done;

    FakeServer(String reply) throws IOException {
      socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
      done = CompletableFuture.runAsync(() -> serveOnce(reply));
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serveOnce(String reply) {
      try (Socket client = socket.accept()) {
        client.setSoTimeout(200);
        OutputStream out = client.getOutputStream();
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = client.getInputStream();
        try {
          in.read(new byte[64]);
        } catch (java.net.SocketTimeoutException clientOnlyListens) {
          // A NATS probe only reads; nothing to wait for.
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Closing the listener ends a wait for a client that never came; that failure is moot. */
    @Override
    public void close() throws IOException {
      socket.close();
      done.handle((ignored, failure) -> null).join();
    }
  }
}
