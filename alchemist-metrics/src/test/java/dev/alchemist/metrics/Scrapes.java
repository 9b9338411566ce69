package dev.alchemist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** Real HTTP scrapes and a parser for the sample names of the Prometheus text format. */
final class Scrapes {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Scrapes() {}

  /** GETs {@code uri} with the given Accept header (null for none). */
  static HttpResponse<String> get(URI uri, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code uri} as curl would and returns the text 0.0.4 body, checking status 200. */
  static String scrape(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = get(uri, null);
    assertThat(response.statusCode()).as("scrape status of %s", uri).isEqualTo(200);
    return response.body();
  }

  /** Returns the sample names (such as {@code x_bucket}, {@code y_total}) of a text scrape. */
  static Set<String> sampleNames(String scrape) {
    Set<String> names = new LinkedHashSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
