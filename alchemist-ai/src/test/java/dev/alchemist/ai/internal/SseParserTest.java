package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event-stream rules of the WHATWG HTML standard (section 9.2.5 and 9.2.6, "Parsing an event
 * stream" and "Interpreting an event stream"), case by case, most of them the standard's own
 * examples. Every body is parsed whole and fed one byte at a time; both must dispatch the same.
 */
class SseParserTest {

  /** Parses {@code body} whole and byte by byte; returns the dispatched events. */
  private static List<String> parse(String body) {
    return parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> parse(byte[] body) {
    List<String> whole = run(body, body.length);
    List<String> bytewise = run(body, 1);
    assertThat(bytewise).as("fed one byte at a time").isEqualTo(whole);
    return whole;
  }

  private static List<String> run(byte[] body, int step) {
    List<String> events = new ArrayList<>();
    SseParser sse =
        new SseParser(
            (event, data, length) ->
                events.add(
                    (event == null ? "message" : event)
                        + "="
                        + new String(data, 0, length, StandardCharsets.UTF_8)),
            1 << 20);
    LineSplitter lines = new LineSplitter(sse, 1 << 20);
    for (int i = 0; i < body.length; i += step) {
      lines.feed(ByteBuffer.wrap(body, i, Math.min(step, body.length - i)));
    }
    lines.finish();
    sse.finish();
    return events;
  }

  @Test
  void multiLineData_isJoinedWithLineFeeds() {
    assertThat(parse("data: YHOO\ndata: +2\ndata: 10\n\n")).containsExactly("message=YHOO\n+2\n10");
  }

  @Test
  void commentsIdsAndFieldsWithoutColon_followTheStandardsExample() {
    assertThat(
            parse(
                ": test stream\n\ndata: first event\nid: 1\n\n"
                    + "data:second event\nid\n\ndata:  third event\n\n"))
        .containsExactly("message=first event", "message=second event", "message= third event");
  }

  @Test
  void fieldWithoutColon_isAnEmptyValue_andTheIncompleteLastBlockIsDiscarded() {
    // The standard: the first block fires with empty data, the middle one with a single newline,
    // the last is discarded because no blank line follows it.
    assertThat(parse("data\n\ndata\ndata\n\ndata:")).containsExactly("message=", "message=\n");
  }

  @Test
  void onlyOneSpaceAfterTheColon_isDropped() {
    assertThat(parse("data:test\n\ndata: test\n\ndata:  test\n\n"))
        .containsExactly("message=test", "message=test", "message= test");
  }

  @Test
  void lineEnds_crLfAndCrLf_areAllLineEnds() {
    assertThat(parse("data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\r\ndata: e\n\r\n"))
        .containsExactly("message=a", "message=b", "message=c", "message=d\ne");
  }

  @Test
  void byteOrderMarkAtTheStart_isIgnored() {
    assertThat(parse("\uFEFFdata: first\n\ndata: second\n\n"))
        .containsExactly("message=first", "message=second");
  }

  @Test
  void byteOrderMarkAtTheStart_splitAcrossBuffers_isIgnored() {
    byte[] body = "\uFEFFdata: first\n\n".getBytes(StandardCharsets.UTF_8);
    List<String> events = new ArrayList<>();
    SseParser sse =
        new SseParser(
            (e, data, len) -> events.add(new String(data, 0, len, StandardCharsets.UTF_8)), 1024);
    LineSplitter lines = new LineSplitter(sse, 1024);
    lines.feed(body, 0, 1);
    lines.feed(body, 1, 1);
    lines.feed(body, 2, body.length - 2);
    assertThat(events).containsExactly("first");
  }

  @Test
  void secondByteOrderMark_isPartOfTheFieldName() {
    // Only one leading BOM is ignored; a second makes the name "\uFEFFdata", an unknown field.
    assertThat(parse("\uFEFF\uFEFFdata: lost\n\ndata: kept\n\n")).containsExactly("message=kept");
  }

  @Test
  void byteOrderMarkLaterInTheBody_isData() {
    assertThat(parse("data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n"))
        .containsExactly("message=a", "message=\uFEFFc");
  }

  @Test
  void eventField_namesOneEvent_thenResetsToMessage() {
    assertThat(parse("event: add\ndata: 73857293\n\ndata: 113411\n\nevent:\ndata: x\n\n"))
        .containsExactly("add=73857293", "message=113411", "message=x");
  }

  @Test
  void eventWithoutData_isNotDispatched_andItsTypeDoesNotLeak() {
    assertThat(parse("event: error\n\ndata: after\n\n")).containsExactly("message=after");
  }

  @Test
  void idRetryAndUnknownFields_areIgnored() {
    assertThat(parse("id: 42\nretry: 1000\nfoo: bar\nDATA: upper\ndata: x\n\n"))
        .containsExactly("message=x");
  }

  @Test
  void incompleteFinalEvent_isDiscardedAtTheEndOfTheBody() {
    assertThat(parse("data: whole\n\ndata: half\n")).containsExactly("message=whole");
    assertThat(parse("data: whole\n\ndata: [DONE]")).containsExactly("message=whole");
  }

  @Test
  void multiByteCharacters_splitAnywhere_arePreserved() {
    assertThat(parse("data: na\u00efve \ud83d\ude42 \u65e5\n\n"))
        .containsExactly("message=na\u00efve \ud83d\ude42 \u65e5");
  }
}
