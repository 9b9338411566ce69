package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.CodecException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KryoCodecRegistrationTest {

  record Envelope(Object payload) {}

  record Secret(String value) {}

  record Outer(Inner inner) {}

  record Inner(String value) {}

  enum Color {
    RED,
    GREEN
  }

  @Test
  void unregisteredClass_isRefusedOnEncode_withTheClassAndTheFix() {
    CodecRegistry codecs = KryoCodecs.builder().register(Envelope.class, 200).build();
    CodecException e =
        catchThrowableOfType(
            CodecException.class,
            () -> codecs.codec(Envelope.class).encode(new Envelope(new Secret("s"))));
    assertThat(e.reason()).isEqualTo(Reason.UNREGISTERED_CLASS);
    assertThat(e)
        .hasMessageContaining(Secret.class.getName() + " is not registered")
        .hasMessageContaining("register(Secret.class, id)");
  }

  @Test
  void unregisteredClass_isRefusedOnDecode_evenWhenTheWriterHadRegisteredIt() {
    CodecRegistry writer =
        KryoCodecs.builder().register(Envelope.class, 200).register(Secret.class, 201).build();
    CodecRegistry reader = KryoCodecs.builder().register(Envelope.class, 200).build();
    byte[] bytes = writer.codec(Envelope.class).encode(new Envelope(new Secret("s")));

    CodecException e =
        catchThrowableOfType(
            CodecException.class, () -> reader.codec(Envelope.class).decode(bytes));

    assertThat(e.reason()).isEqualTo(Reason.UNREGISTERED_CLASS);
    assertThat(e).hasMessageContaining("unregistered class id 201");
  }

  @Test
  void codecOfAnUnregisteredType_failsFast() {
    CodecRegistry codecs = KryoCodecs.builder().build();
    assertThat(codecs.isRegistered(Secret.class)).isFalse();
    assertThatThrownBy(() -> codecs.codec(Secret.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            Secret.class.getName()
                + " is not registered; register it with KryoCodecs.builder().register("
                + "Secret.class, id)");
  }

  @Test
  void modelTypes_areRegisteredByDefault() {
    CodecRegistry codecs = KryoCodecs.builder().build();
    assertThat(codecs.isRegistered(Message.class)).isTrue();
    assertThat(codecs.isRegistered(MessageRole.class)).isTrue();
    assertThat(codecs.isRegistered(Dialog.class)).isTrue();
  }

  @Test
  void duplicateId_namesTheOtherClass() {
    assertThatThrownBy(
            () -> KryoCodecs.builder().register(Secret.class, 200).register(Inner.class, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id 200 is already registered to " + Secret.class.getName());
  }

  @Test
  void duplicateClass_namesItsId() {
    assertThatThrownBy(
            () -> KryoCodecs.builder().register(Secret.class, 200).register(Secret.class, 201))
        .hasMessage(Secret.class.getName() + " is already registered with id 200");
  }

  @Test
  void reservedId_namesTheRange() {
    assertThatThrownBy(() -> KryoCodecs.builder().register(Secret.class, 65))
        .hasMessage(
            "id of " + Secret.class.getName() + " must be between 128 and 1048576 but was 65");
  }

  @Test
  void moduleTypes_liveInTheirOwnRange_belowTheApplications() {
    CodecRegistry codecs =
        KryoCodecs.builder()
            .registerModuleType(Secret.class, 96)
            .register(Inner.class, 128)
            .build();
    assertThat(
            codecs.codec(Secret.class).decode(codecs.codec(Secret.class).encode(new Secret("s"))))
        .isEqualTo(new Secret("s"));
    assertThatThrownBy(() -> KryoCodecs.builder().registerModuleType(Secret.class, 128))
        .hasMessage("id of " + Secret.class.getName() + " must be between 96 and 127 but was 128");
    assertThatThrownBy(() -> KryoCodecs.builder().register(Secret.class, 96))
        .hasMessageContaining("must be between 128 and 1048576 but was 96");
  }

  @Test
  void interfaceOrArray_isRefused() {
    assertThatThrownBy(() -> KryoCodecs.builder().register(List.class, 200))
        .hasMessageContaining("must be a concrete class");
    assertThatThrownBy(() -> KryoCodecs.builder().register(byte[].class, 200))
        .hasMessageContaining("must be a concrete class");
  }

  @Test
  void limits_outOfRange_nameFieldValueAndLimit() {
    assertThatThrownBy(() -> KryoCodecs.builder().maxPayloadBytes(10))
        .hasMessage("maxPayloadBytes must be between 64 and 536870912 but was 10");
    assertThatThrownBy(() -> KryoCodecs.builder().compressionThreshold(-1))
        .hasMessage("compressionThreshold must not be negative but was -1");
    assertThatThrownBy(() -> KryoCodecs.builder().poolSize(0))
        .hasMessage("poolSize must be between 1 and 4096 but was 0");
    assertThatThrownBy(() -> KryoCodecs.builder().maxDepth(1))
        .hasMessage("maxDepth must be between 4 and 10000 but was 1");
  }

  @Test
  void builder_isReusable_andBuildCopiesItsState() {
    KryoCodecs.Builder builder = KryoCodecs.builder().register(Secret.class, 200);
    CodecRegistry first = builder.build();
    builder.register(Inner.class, 201);
    assertThat(first.isRegistered(Inner.class)).isFalse();
    assertThat(builder.build().isRegistered(Inner.class)).isTrue();
  }

  @Test
  void bytesOfAnotherRegisteredType_areTheWrongType() {
    CodecRegistry codecs = KryoCodecs.builder().build();
    Message message = Message.of(UUID.randomUUID(), MessageRole.USER, "hi", Instant.EPOCH, 1);
    byte[] bytes = codecs.codec(Message.class).encode(message);
    CodecException e =
        catchThrowableOfType(CodecException.class, () -> codecs.codec(Dialog.class).decode(bytes));
    assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
    assertThat(e)
        .hasMessage(
            "cannot decode dev.alchemist.core.Dialog: the bytes hold a dev.alchemist.core.Message");
  }

  @Test
  void encodingNull_isRefusedClearly() {
    Codec<Message> codec = KryoCodecs.builder().build().codec(Message.class);
    assertThatThrownBy(() -> codec.encode(null))
        .isInstanceOf(CodecException.class)
        .hasMessage("cannot encode dev.alchemist.core.Message: value is null");
  }

  @Test
  void enums_roundTrip_andAnUnknownOrdinalIsCorrupt() {
    CodecRegistry codecs =
        KryoCodecs.builder().register(Color.class, 200).register(Envelope.class, 201).build();
    Codec<Envelope> codec = codecs.codec(Envelope.class);
    byte[] bytes = codec.encode(new Envelope(Color.GREEN));
    assertThat(codec.decode(bytes)).isEqualTo(new Envelope(Color.GREEN));

    bytes[bytes.length - 1] = 9; // ordinal 8: no such constant
    assertThat(catchThrowableOfType(CodecException.class, () -> codec.decode(bytes)).reason())
        .isEqualTo(Reason.CORRUPT);
  }
}
