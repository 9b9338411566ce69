package dev.alchemist.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/** Protocol-level checks that a server really answers, shared by the shared and private ones. */
final class Probes {

  private static final Pattern JETSTREAM_ON = Pattern.compile("\"jetstream\"\\s*:\\s*true");
  private static final int MAX_LINE = 64 * 1024;

  private Probes() {}

  /** Sends {@code PING} and expects {@code +PONG}. */
  static void redisPing(ServiceAddress address, Duration timeout) throws IOException {
    redisPing(address, timeout, null);
  }

  /**
   * As {@link #redisPing(ServiceAddress, Duration)}, over TLS with {@code tls} if not null; a
   * {@code -NOAUTH} answer counts too, since a private server may require a password.
   */
  static void redisPing(ServiceAddress address, Duration timeout, @Nullable SSLContext tls)
      throws IOException {
    try (Socket socket = connect(address, timeout, tls)) {
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String reply = readLine(socket.getInputStream());
      boolean answers = reply.equals("+PONG") || (tls != null && reply.startsWith("-NOAUTH"));
      if (!answers) {
        throw new IOException("answered PING with '" + abbreviate(reply) + "' instead of +PONG");
      }
    }
  }

  /** Reads the {@code INFO {...}} line a NATS server sends first and checks JetStream is on. */
  static void natsJetStream(ServiceAddress address, Duration timeout) throws IOException {
    try (Socket socket = connect(address, timeout)) {
      String info = readLine(socket.getInputStream());
      if (!info.startsWith("INFO ")) {
        throw new IOException("sent '" + abbreviate(info) + "' instead of a NATS INFO line");
      }
      if (!JETSTREAM_ON.matcher(info).find()) {
        throw new IOException(
            "answers as NATS but JetStream is off (no \"jetstream\":true in its INFO line);"
                + " the server must run with -js");
      }
    }
  }

  /** Opens a JDBC connection and runs {@code select 1}. */
  static void postgresSelectOne(PostgresAddress address) throws SQLException {
    try (Connection connection = address.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select 1")) {
      if (!result.next() || result.getInt(1) != 1) {
        throw new SQLException("select 1 did not return 1");
      }
    }
  }

  private static Socket connect(ServiceAddress address, Duration timeout) throws IOException {
    return connect(address, timeout, null);
  }

  private static Socket connect(ServiceAddress address, Duration timeout, @Nullable SSLContext tls)
      throws IOException {
    Socket socket = new Socket();
    try {
      int millis = Math.toIntExact(timeout.toMillis());
      socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
      socket.setSoTimeout(millis);
      if (tls == null) {
        return socket;
      }
      SSLSocket secured =
          (SSLSocket)
              tls.getSocketFactory().createSocket(socket, address.host(), address.port(), true);
      secured.startHandshake();
      return secured;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** One line without its CR LF; the protocols here are line-based and ASCII on this line. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException(
            line.size() == 0 ? "closed the connection without a reply" : "closed mid-line");
      }
      if (line.size() == MAX_LINE) {
        throw new IOException("sent a line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
