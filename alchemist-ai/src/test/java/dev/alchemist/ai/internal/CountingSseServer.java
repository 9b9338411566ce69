package dev.alchemist.ai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw loopback HTTP/1.1 server that answers one OpenAI-style SSE stream of {@code tokens}
 * fixed-size tokens, writing as fast as the socket accepts and counting the tokens whose bytes the
 * kernel took. A blocking write returns only when the bytes fit in the socket buffers, so that
 * count is what the client read plus what the two kernels hold, an honest upper bound of the
 * client's reads. The send buffer is made small so the server's share of that slack is small too.
 */
final class CountingSseServer implements AutoCloseable {
  /** Bytes of every token's text: {@code t%07d-abcdefghij } is 20 ASCII characters. */
  static final int TOKEN_BYTES = 20;

  /** Tokens written per chunked-encoding frame. */
  private static final int BATCH = 16;

  private static final int SEND_BUFFER = 16 * 1024;

  private final ServerSocket server;
  private final int tokens;
  private final AtomicLong written = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch gone = new CountDownLatch(1);
  private final Thread thread;
  private volatile int actualSendBuffer;

  CountingSseServer(int tokens) throws IOException {
    this.tokens = tokens;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "counting-sse-server");
    thread.setDaemon(true);
    thread.start();
  }

  static String token(int i) {
    return String.format(Locale.ROOT, "t%07d-abcdefghij ", i);
  }

  /** The text of tokens {@code [0, n)}. */
  static String text(int n) {
    StringBuilder b = new StringBuilder(n * TOKEN_BYTES);
    for (int i = 0; i < n; i++) {
      b.append(token(i));
    }
    return b.toString();
  }

  String baseUri() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  /** Tokens whose bytes the kernel accepted so far. */
  long tokensWritten() {
    return written.get();
  }

  /** Bytes one token takes on the wire (its SSE event). */
  static int wireBytesPerToken() {
    return event(0).length;
  }

  /** The server's kernel send buffer as the kernel reports it. */
  int sendBuffer() {
    return actualSendBuffer;
  }

  /** Whether the client went away (a write failed) or the body was written in full. */
  boolean awaitGone(long millis) throws InterruptedException {
    return gone.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static byte[] event(int i) {
    return ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
            + token(i)
            + "\"},\"finish_reason\":null}]}\n\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private void serve() {
    try (Socket s = server.accept()) {
      s.setSendBufferSize(SEND_BUFFER);
      actualSendBuffer = s.getSendBufferSize();
      readRequest(s.getInputStream());
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < tokens && !stop.get(); i += BATCH) {
        int n = Math.min(BATCH, tokens - i);
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(n * 100);
        for (int j = 0; j < n; j++) {
          frame.write(event(i + j));
        }
        chunk(out, frame.toByteArray());
        written.addAndGet(n);
      }
      chunk(out, "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // The client closed the connection (cancel): the count so far is the result.
    } finally {
      gone.countDown();
    }
  }

  private static void chunk(OutputStream out, byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads the request head and its Content-Length body, so the client sees a clean exchange. */
  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    long length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    in.readNBytes((int) length);
  }

  @Override
  public void close() throws IOException {
    stop.set(true);
    server.close();
  }
}
