package dev.alchemist.examples;

import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.metrics.RequestTracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * alchemist-metrics: request tracking with the guide's SLO buckets (100 ms, 500 ms), a Prometheus
 * endpoint on loopback (a free port), and a scrape of it.
 *
 * <pre>
 * java -cp examples/target/examples.jar dev.alchemist.examples.MetricsExample
 * </pre>
 */
public final class MetricsExample {
  private MetricsExample() {}

  public static void main(String[] args) throws Exception {
    try (AlchemistMetrics metrics =
        AlchemistMetrics.builder()
            .application("metrics-example")
            .endpoint(MetricsEndpointSettings.builder().port(0).build())
            .build()) {
      RequestTracker tracker = metrics.tracker();
      for (int i = 0; i < 200; i++) {
        tracker.track("dialog.history", () -> work(2));
        try {
          tracker.track(
              "dialog.post",
              () -> {
                if (ThreadLocalRandom.current().nextInt(20) == 0) {
                  throw new IllegalStateException("simulated failure");
                }
                work(5);
              });
        } catch (IllegalStateException expected) {
          // recorded with outcome=error, exception=IllegalStateException
        }
      }
      tracker.trackAsync("model.reply", () -> CompletableFuture.supplyAsync(() -> work(20))).join();

      URI uri = metrics.endpoint().map(MetricsEndpoint::uri).orElseThrow();
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      System.out.println("scraped " + uri + " -> HTTP " + scrape.statusCode());
      scrape
          .body()
          .lines()
          .filter(
              l ->
                  l.startsWith("alchemist_requests_total")
                      || l.contains("alchemist_response_time_seconds_bucket{")
                          && (l.contains("le=\"0.1\"") || l.contains("le=\"0.5\"")))
          .forEach(System.out::println);
    }
  }

  private static int work(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return millis;
  }
}
