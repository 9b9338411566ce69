package dev.alchemist.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What {@link PrivateNatsCluster} asks a node's monitoring port: its meta leader and health. */
final class NatsMonitoring {
  private static final Duration HTTP_TIMEOUT = Duration.ofMillis(500);
  private static final Pattern LEADER =
      Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^}]*?\"leader\"\\s*:\\s*\"([^\"]*)\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(HTTP_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private NatsMonitoring() {}

  /** The JetStream meta leader that {@code /jsz} reports, or null if none (or no answer). */
  static @Nullable String metaLeader(String node, int monitorPort) {
    String body;
    try {
      HttpResponse<String> response =
          HTTP.send(request(monitorPort, "/jsz"), HttpResponse.BodyHandlers.ofString());
      body = response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      body = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + node, e);
    }
    if (body == null) {
      return null;
    }
    Matcher m = LEADER.matcher(body);
    return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
  }

  /** The status {@code /healthz} answers with, -1 if there is no answer. */
  static int health(String node, int monitorPort) {
    try {
      return HTTP.send(request(monitorPort, "/healthz"), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + node, e);
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + ServerFiles.HOST + ":" + port + path))
        .timeout(HTTP_TIMEOUT)
        .GET()
        .build();
  }
}
