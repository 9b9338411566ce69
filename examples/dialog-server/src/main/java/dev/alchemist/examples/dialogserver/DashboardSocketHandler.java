package dev.alchemist.examples.dialogserver;

import dev.alchemist.core.flow.FanoutConnection;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.core.flow.FrameSink;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ws://host/dashboard}: the client sends {@code {"type":"subscribe","domain":"all"}} (or a
 * domain) and receives that topic's dashboard frames from the {@link FrameFanout}, latest first, at
 * most 60 a second, at its own pace. A later subscribe switches the topic. Anything else closes the
 * socket with 1008 and a reason; a client that stops reading is dropped by the fan-out after its
 * stall timeout, and nobody else waits for it.
 */
final class DashboardSocketHandler implements WebSocketHandler {
  static final String PROTOCOL_HINT =
      "expected {\"type\":\"subscribe\",\"domain\":\"all\"} or a domain";

  private static final int MAX_MESSAGE_LENGTH = 1024;
  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9_-]{1,64}");

  private final FrameFanout<String> fanout;
  private final JsonMapper json = JsonMapper.builder().build();

  DashboardSocketHandler(FrameFanout<String> fanout) {
    this.fanout = fanout;
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    Subscription subscription = new Subscription(session);
    return session
        .receive()
        .map(WebSocketMessage::getPayloadAsText)
        .concatMap(subscription::onMessage)
        .doFinally(signal -> subscription.end())
        .then();
  }

  /** One socket's current fan-out connection. */
  private final class Subscription {
    private final WebSocketSession session;
    private @Nullable FanoutConnection connection;

    Subscription(WebSocketSession session) {
      this.session = session;
    }

    Mono<Void> onMessage(String text) {
      String domain = subscribedDomain(text);
      if (domain == null) {
        end();
        return session.close(CloseStatus.POLICY_VIOLATION.withReason(PROTOCOL_HINT));
      }
      synchronized (this) {
        FanoutConnection previous = connection;
        if (previous != null) {
          previous.close();
        }
        try {
          connection = fanout.connect(domain, new SessionSink(session));
        } catch (IllegalStateException full) {
          connection = null;
          return session.close(
              CloseStatus.SERVICE_OVERLOAD.withReason("too many dashboard connections"));
        }
      }
      return Mono.empty();
    }

    synchronized void end() {
      FanoutConnection current = connection;
      connection = null;
      if (current != null) {
        current.close();
      }
    }

    private @Nullable String subscribedDomain(String text) {
      if (text.length() > MAX_MESSAGE_LENGTH) {
        return null;
      }
      try {
        JsonNode message = json.readTree(text);
        if (message == null
            || !message.isObject()
            || message.size() != 2
            || !"subscribe".equals(message.path("type").asString(""))) {
          return null;
        }
        String domain = message.path("domain").asString("");
        return DOMAIN.matcher(domain).matches() ? domain : null;
      } catch (JacksonException e) {
        return null;
      }
    }
  }

  /** Sends a frame as one text message; the stage completes when Netty has written it. */
  private static final class SessionSink implements FrameSink<String> {
    private final WebSocketSession session;

    SessionSink(WebSocketSession session) {
      this.session = session;
    }

    @Override
    public CompletionStage<?> send(String frame) {
      return session.send(Mono.just(session.textMessage(frame))).toFuture();
    }

    @Override
    public void closed(CloseReason reason) {
      CloseStatus status =
          switch (reason) {
            // The socket's own end or a new subscribe: the session goes on or is gone already.
            case CLOSED -> null;
            case STALLED -> CloseStatus.POLICY_VIOLATION.withReason("frames were not read in time");
            case SEND_FAILED -> CloseStatus.SERVER_ERROR.withReason("send failed");
            case FANOUT_CLOSED -> CloseStatus.GOING_AWAY.withReason("server shutting down");
          };
      if (status != null) {
        session.close(status).subscribe();
      }
    }
  }
}
