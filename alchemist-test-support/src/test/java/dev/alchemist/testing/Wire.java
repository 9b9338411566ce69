package dev.alchemist.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Just enough RESP and NATS to check a server from a test, written apart from {@link Probes} so the
 * tests do not check the code with itself.
 */
final class Wire {

  private static final int TIMEOUT_MILLIS = 3000;

  private Wire() {}

  /**
   * Sends one RESP command and reads the reply: a simple string as sent ({@code +OK}, {@code -ERR
   * ...}), a bulk string as its text, nil as {@code null}, an array as a {@code List}.
   */
  static @Nullable Object redisReply(ServiceAddress address, String... command) throws IOException {
    StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
    for (String part : command) {
      request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
      request.append(part).append("\r\n");
    }
    try (Socket socket = connect(address);
        BufferedReader in = reader(socket)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readReply(in, address);
    }
  }

  /** {@link #redisReply} for commands that answer with a string or nil. */
  static @Nullable String redis(ServiceAddress address, String... command) throws IOException {
    return (String) redisReply(address, command);
  }

  private static @Nullable Object readReply(BufferedReader in, ServiceAddress address)
      throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("no reply from " + address);
    }
    switch (line.charAt(0)) {
      case '$':
        return line.equals("$-1") ? null : in.readLine();
      case '*':
        int size = Integer.parseInt(line.substring(1));
        List<@Nullable Object> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          items.add(readReply(in, address));
        }
        return items;
      default:
        return line;
    }
  }

  /** The first line a NATS server sends. */
  static String natsInfo(ServiceAddress address) throws IOException {
    try (Socket socket = connect(address);
        BufferedReader in = reader(socket)) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("no INFO from " + address);
      }
      return line;
    }
  }

  /** Whether anything accepts a TCP connection there. */
  static boolean accepts(ServiceAddress address) throws IOException {
    try {
      connect(address).close();
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  /** A loopback port nothing listens on (bound and released at once). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Socket connect(ServiceAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(address.host(), address.port()), TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    return socket;
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }
}
