package dev.alchemist.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.nats.EventHeaders;
import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectSpace;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

class EventMessagesTest {
  private final Subject subject = SubjectSpace.of("hdr").subject("dialog", "message", "created");

  @Test
  void headerCache_nothingVaries_sendsOneSharedReadOnlyInstance() {
    EventMessages.HeaderCache cache = new EventMessages.HeaderCache(null);
    Headers first = cache.headers(subject, null, null);
    assertThat(cache.headers(subject, null, null)).isSameAs(first);
    assertThat(first.isReadOnly()).isTrue();
    assertThat(first.getFirst(EventHeaders.CONTENT_TYPE)).isEqualTo(EventHeaders.DOMAIN_EVENT_KRYO);
    assertThat(first.getFirst(EventHeaders.EVENT_TYPE)).isEqualTo("dialog.message.created");
    assertThat(first.keySet()).hasSize(2);
  }

  @Test
  void headerCache_sharedInstance_writesTheSameBytesAsPlainHeaders() {
    Headers shared = new EventMessages.HeaderCache("S").headers(subject, null, null);
    Headers plain = new Headers(EventMessages.headers(subject, null, null, "S"), true);
    byte[] a = new byte[shared.serializedLength() + 3];
    byte[] b = new byte[plain.serializedLength() + 3];
    assertThat(shared.serializeToArray(3, a)).isEqualTo(plain.serializeToArray(3, b));
    assertThat(a).isEqualTo(b);
    assertThat(shared.getSerialized()).isEqualTo(plain.getSerialized());
    assertThat(shared).isEqualTo(plain);
    assertThat(shared.toString()).isEqualTo(plain.toString());
  }

  @Test
  void headerCache_messageIdAndTrace_copyTheSharedOneWithoutChangingIt() {
    EventMessages.HeaderCache cache = new EventMessages.HeaderCache("S");
    Headers a = cache.headers(subject, "t-1", "id-1");
    Headers b = cache.headers(subject, null, "id-2");
    assertThat(a.getFirst(EventHeaders.MSG_ID)).isEqualTo("id-1");
    assertThat(a.getFirst(EventHeaders.TRACE_ID)).isEqualTo("t-1");
    assertThat(a.getFirst(EventHeaders.EXPECTED_STREAM)).isEqualTo("S");
    assertThat(b.getFirst(EventHeaders.MSG_ID)).isEqualTo("id-2");
    assertThat(b.containsKey(EventHeaders.TRACE_ID)).isFalse();
    assertThat(b.keySet()).hasSize(4);
    // the same bytes on the wire as headers built the plain way
    assertThat(a).isEqualTo(EventMessages.headers(subject, "t-1", "id-1", "S"));
  }

  @Test
  void headerCache_pastItsBound_stillBuildsCorrectHeaders() {
    EventMessages.HeaderCache cache = new EventMessages.HeaderCache(null);
    SubjectSpace space = SubjectSpace.of("many");
    for (int i = 0; i < EventMessages.HeaderCache.MAX_SUBJECTS + 10; i++) {
      Subject s = space.subject("d" + i, "e", "created");
      assertThat(cache.headers(s, null, null).getFirst(EventHeaders.EVENT_TYPE))
          .isEqualTo("d" + i + ".e.created");
    }
  }
}
