package dev.alchemist.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of valid model values, including awkward text (unicode, empty, long). */
public final class ModelArbitraries {
  private ModelArbitraries() {}

  public static Arbitrary<UUID> uuids() {
    return Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
  }

  public static Arbitrary<Instant> instants() {
    return Arbitraries.longs()
        .between(-62_135_596_800L, 253_402_300_799L)
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, 999_999_999)
                    .map(n -> Instant.ofEpochSecond(s, n)));
  }

  public static Arbitrary<String> text(int maxLength) {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(maxLength),
        Arbitraries.strings().ascii().ofMaxLength(maxLength),
        Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(maxLength));
  }

  public static Arbitrary<String> tokens() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('0', '9')
        .withChars('_', '-')
        .ofMinLength(1)
        .ofMaxLength(Checks.MAX_TOKEN_LENGTH);
  }

  public static Arbitrary<Message> messages(UUID dialogId) {
    return Combinators.combine(
            uuids(),
            Arbitraries.of(MessageRole.class),
            text(2000),
            instants(),
            Arbitraries.integers().between(0, Integer.MAX_VALUE))
        .as(
            (id, role, content, at, tokens) ->
                new Message(id, dialogId, role, content, at, tokens));
  }

  public static Arbitrary<Message> messages() {
    return uuids().flatMap(ModelArbitraries::messages);
  }

  public static Arbitrary<Dialog> dialogs() {
    return Combinators.combine(
            uuids(),
            text(Dialog.MAX_USER_ID_LENGTH).filter(s -> !s.isBlank()),
            text(200),
            instants(),
            Arbitraries.longs().between(0, 1_000_000_000L))
        .as((id, user, title, at, later) -> new Dialog(id, user, title, at, at.plusSeconds(later)));
  }

  public static Arbitrary<DialogHistory> histories() {
    return uuids()
        .flatMap(
            dialogId ->
                messages(dialogId)
                    .list()
                    .ofMaxSize(60)
                    .map(
                        list -> {
                          List<Message> sorted = new ArrayList<>(list);
                          sorted.sort(Comparator.comparing(Message::timestamp));
                          return new DialogHistory(dialogId, sorted);
                        }));
  }

  public static Arbitrary<DomainEvent> events() {
    return Combinators.combine(
            uuids(),
            tokens(),
            tokens(),
            tokens(),
            text(100).filter(s -> !s.isBlank()).injectNull(0.3),
            instants(),
            text(3000))
        .as(DomainEvent::new);
  }

  public static Arbitrary<DomainStats> stats() {
    return Combinators.combine(
            tokens(),
            Arbitraries.longs().between(1, Long.MAX_VALUE),
            instants(),
            Arbitraries.doubles().between(0, 1))
        .as(
            (domain, count, last, share) ->
                new DomainStats(domain, count, last, Math.min(count, (long) (count * share))));
  }
}
