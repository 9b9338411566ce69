package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.ModelArbitraries;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KryoCodecRoundTripTest {
  private static final CodecRegistry CODECS =
      KryoCodecs.builder().register(Bag.class, 200).register(Point.class, 201).build();

  /** A record holding every JDK type the registry accepts by default. */
  record Bag(
      UUID id,
      Instant at,
      Duration ttl,
      LocalDate day,
      List<Object> immutableList,
      List<Object> arrayList,
      List<Object> linkedList,
      Set<Object> immutableSet,
      Set<Object> hashSet,
      Set<Object> linkedHashSet,
      Map<Object, Object> immutableMap,
      Map<Object, Object> hashMap,
      Map<Object, Object> linkedHashMap,
      List<Integer> streamList,
      Point point) {}

  record Point(int x, long y, double z, boolean flag, String label) {}

  private static <T> T roundTrip(Class<T> type, T value) {
    Codec<T> codec = CODECS.codec(type);
    return codec.decode(codec.encode(value));
  }

  @Property
  void message_roundTrips(@ForAll("messages") Message message) {
    assertThat(roundTrip(Message.class, message)).isEqualTo(message);
  }

  @Property
  void dialog_roundTrips(@ForAll("dialogs") Dialog dialog) {
    assertThat(roundTrip(Dialog.class, dialog)).isEqualTo(dialog);
  }

  @Property(tries = 200)
  void dialogHistory_roundTrips(@ForAll("histories") DialogHistory history) {
    assertThat(roundTrip(DialogHistory.class, history)).isEqualTo(history);
  }

  @Property
  void domainEvent_roundTrips(@ForAll("events") DomainEvent event) {
    assertThat(roundTrip(DomainEvent.class, event)).isEqualTo(event);
  }

  @Property
  void domainStats_roundTrips(@ForAll("stats") DomainStats stats) {
    assertThat(roundTrip(DomainStats.class, stats)).isEqualTo(stats);
  }

  @Provide
  Arbitrary<Message> messages() {
    return ModelArbitraries.messages();
  }

  @Provide
  Arbitrary<Dialog> dialogs() {
    return ModelArbitraries.dialogs();
  }

  @Provide
  Arbitrary<DialogHistory> histories() {
    return ModelArbitraries.histories();
  }

  @Provide
  Arbitrary<DomainEvent> events() {
    return ModelArbitraries.events();
  }

  @Provide
  Arbitrary<DomainStats> stats() {
    return ModelArbitraries.stats();
  }

  @Test
  void jdkTypesAndCollections_roundTripAsEqualValuesOfTheSameKind() {
    List<Object> arrayList = new ArrayList<>(List.of("a", 1, 2L));
    arrayList.add(null);
    Map<Object, Object> hashMap = new HashMap<>(Map.of("k", List.of(1, 2)));
    Bag bag =
        new Bag(
            UUID.randomUUID(),
            Instant.parse("2026-11-26T10:15:30.123456789Z"),
            Duration.ofMinutes(5),
            LocalDate.of(2026, 11, 26),
            List.of("x", "y", "z"),
            arrayList,
            new LinkedList<>(List.of(true, 'c', (short) 3, (byte) 4, 5.5f)),
            Set.of("only"),
            new HashSet<>(Set.of(1, 2, 3)),
            new LinkedHashSet<>(List.of("b", "a")),
            Map.of("one", 1, "two", 2),
            hashMap,
            new LinkedHashMap<>(Map.of(UUID.randomUUID(), Instant.EPOCH)),
            Stream.of(1, 2, 3).toList(),
            new Point(-1, Long.MAX_VALUE, Math.PI, true, "é✓\uD83D\uDE00"));

    Bag copy = roundTrip(Bag.class, bag);

    assertThat(copy).isEqualTo(bag);
    assertThat(copy.arrayList()).isInstanceOf(ArrayList.class);
    assertThat(copy.linkedList()).isInstanceOf(LinkedList.class);
    assertThat(copy.linkedHashSet()).containsExactly("b", "a");
    assertThat(copy.immutableList().getClass()).isEqualTo(List.of("x", "y", "z").getClass());
    assertThat(copy.immutableMap().getClass()).isEqualTo(Map.of("one", 1, "two", 2).getClass());
  }

  @Test
  void emptyAndSingletonImmutableCollections_roundTrip() {
    Bag bag =
        new Bag(
            new UUID(0, 0),
            Instant.EPOCH,
            Duration.ZERO,
            LocalDate.EPOCH,
            List.of(),
            new ArrayList<>(),
            new LinkedList<>(),
            Set.of(),
            new HashSet<>(),
            new LinkedHashSet<>(),
            Map.of(),
            new HashMap<>(),
            new LinkedHashMap<>(),
            List.of(7),
            new Point(0, 0, 0, false, ""));
    assertThat(roundTrip(Bag.class, bag)).isEqualTo(bag);
  }

  @Test
  void nullComponents_roundTrip() {
    Bag bag =
        new Bag(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new Point(1, 2, 3, true, null));
    assertThat(roundTrip(Bag.class, bag)).isEqualTo(bag);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"}) // ArrayList.class is a raw class literal
  void jdkTypes_canBeACodecsOwnType() {
    assertThat(roundTrip(String.class, "plain text")).isEqualTo("plain text");
    assertThat(roundTrip(Long.class, 42L)).isEqualTo(42L);
    UUID id = UUID.randomUUID();
    assertThat(roundTrip(UUID.class, id)).isEqualTo(id);
    assertThat(roundTrip(Instant.class, Instant.EPOCH)).isEqualTo(Instant.EPOCH);
    ArrayList<Object> list = new ArrayList<>(List.of("a", 1));
    assertThat(roundTrip(ArrayList.class, list)).isEqualTo(list);
    assertThat(CODECS.schemaId(String.class)).isNotEqualTo(CODECS.schemaId(UUID.class));
  }

  @Test
  void loneSurrogates_survive_becauseStreamedTokensCanSplitAnEmoji() {
    String[] awkward = {"\uD83D", "a\uDE00b", "\uD83D\uDE00\uD83D", "é\uDC00", "ascii"};
    for (String text : awkward) {
      Point point = new Point(0, 0, 0, false, text);
      assertThat(roundTrip(Point.class, point).label()).isEqualTo(text);
    }
  }

  @Test
  void envelope_startsWithMagicFormatCodecAndSchemaId() {
    Codec<Point> codec = CODECS.codec(Point.class);
    byte[] bytes = codec.encode(new Point(1, 2, 3, true, "p"));
    int schemaId = CODECS.schemaId(Point.class);
    assertThat(bytes[0]).isEqualTo((byte) 0xA7);
    assertThat(bytes[1]).isEqualTo((byte) 1);
    assertThat(bytes[2]).isEqualTo((byte) 1);
    assertThat(bytes[3]).isZero();
    assertThat(
            (bytes[4] & 0xff) << 24
                | (bytes[5] & 0xff) << 16
                | (bytes[6] & 0xff) << 8
                | (bytes[7] & 0xff))
        .isEqualTo(schemaId);
  }
}
