package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.esotericsoftware.kryo.kryo5.SerializerFactory;
import dev.alchemist.core.codec.CodecException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to bytes in a cache when the type they were written from changes. Each test compiles
 * two versions of one class, loads them in separate class loaders (as two deployments of an
 * application would), writes with the old and reads with the new.
 */
class KryoCodecSchemaTest {

  record Outer(Inner inner) {}

  record Inner(String value) {}

  @TempDir Path dir;

  @Test
  void recordGainsAComponent_oldBytesAreASchemaMismatch_notGarbage() throws Exception {
    Class<?> v1 = compile("v1", "package evolve; public record Profile(String name) {}");
    Class<?> v2 = compile("v2", "package evolve; public record Profile(String name, int age) {}");
    byte[] old = encode(registry(v1), v1, v1.getConstructor(String.class).newInstance("ada"));

    CodecRegistry next = registry(v2);
    CodecException e = catchThrowableOfType(CodecException.class, () -> decode(next, v2, old));

    assertThat(e.reason()).isEqualTo(Reason.SCHEMA_MISMATCH);
    assertThat(e)
        .hasMessageContaining("cannot decode evolve.Profile")
        .hasMessageContaining(String.format("this codec reads schema id %08x", next.schemaId(v2)));
  }

  @Test
  void componentChangesType_isASchemaMismatch() throws Exception {
    Class<?> v1 = compile("v1", "package evolve; public record Score(int points) {}");
    Class<?> v2 = compile("v2", "package evolve; public record Score(long points) {}");
    assertThat(registry(v1).schemaId(v1)).isNotEqualTo(registry(v2).schemaId(v2));
  }

  @Test
  void sameShapeInAnotherDeployment_hasTheSameSchemaId_soBytesStayReadable() throws Exception {
    String source = "package evolve; public record Same(String a, java.util.List<String> b) {}";
    Class<?> first = compile("v1", source);
    Class<?> second = compile("v2", source);
    Object value = first.getConstructor(String.class, List.class).newInstance("x", List.of("y"));
    byte[] bytes = encode(registry(first), first, value);

    Object read = decode(registry(second), second, bytes);

    assertThat(read.getClass()).isEqualTo(second);
    assertThat(read.toString()).isEqualTo(value.toString());
  }

  @Test
  void declaredVersionBump_changesTheSchemaId_ofTheTypeAndOfTypesHoldingIt() {
    CodecRegistry before =
        KryoCodecs.builder().register(Outer.class, 200).register(Inner.class, 201).build();
    CodecRegistry after =
        KryoCodecs.builder().register(Outer.class, 200).register(Inner.class, 201, 1).build();
    assertThat(after.schemaId(Inner.class)).isNotEqualTo(before.schemaId(Inner.class));
    assertThat(after.schemaId(Outer.class)).isNotEqualTo(before.schemaId(Outer.class));

    byte[] old = before.codec(Outer.class).encode(new Outer(new Inner("v")));
    assertThat(
            catchThrowableOfType(CodecException.class, () -> after.codec(Outer.class).decode(old))
                .reason())
        .isEqualTo(Reason.SCHEMA_MISMATCH);
  }

  @Test
  void taggedClass_gainsAField_andStillReadsOldBytes() throws Exception {
    String tag = "com.esotericsoftware.kryo.kryo5.serializers.TaggedFieldSerializer.Tag";
    Class<?> v1 =
        compile(
            "v1",
            "package evolve; public class Account { @"
                + tag
                + "(1) public String name;"
                + " public Account() {} }");
    Class<?> v2 =
        compile(
            "v2",
            "package evolve; public class Account { @"
                + tag
                + "(1) public String name;"
                + " @"
                + tag
                + "(2) public int credits = -1; public Account() {} }");
    SerializerFactory<?> tagged = new SerializerFactory.TaggedFieldSerializerFactory();
    CodecRegistry writer = KryoCodecs.builder().register(v1, 200, 0, tagged).build();
    CodecRegistry reader = KryoCodecs.builder().register(v2, 200, 0, tagged).build();
    assertThat(reader.schemaId(v2)).isEqualTo(writer.schemaId(v1));

    Object old = v1.getConstructor().newInstance();
    v1.getField("name").set(old, "ada");
    Object read = decode(reader, v2, encode(writer, v1, old));

    assertThat(v2.getField("name").get(read)).isEqualTo("ada");
    assertThat(v2.getField("credits").get(read)).as("a field the old bytes lack").isEqualTo(-1);
  }

  private static CodecRegistry registry(Class<?> type) {
    return KryoCodecs.builder().register(type, 200).build();
  }

  @SuppressWarnings("unchecked")
  private static byte[] encode(CodecRegistry registry, Class<?> type, Object value) {
    return ((Codec<Object>) registry.codec(type)).encode(value);
  }

  private static Object decode(CodecRegistry registry, Class<?> type, byte[] bytes) {
    return registry.codec(type).decode(bytes);
  }

  /** Compiles {@code source} into its own directory and loads it in its own class loader. */
  private Class<?> compile(String version, String source) throws IOException {
    String simpleName = source.replaceAll("(?s).*\\b(?:record|class) (\\w+).*", "$1");
    Path sourceDir = Files.createDirectories(dir.resolve(version).resolve("src/evolve"));
    Path classes = Files.createDirectories(dir.resolve(version).resolve("classes"));
    Path file = Files.writeString(sourceDir.resolve(simpleName + ".java"), source);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status =
        compiler.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            file.toString());
    assertThat(status).as("compiling %s", source).isZero();
    URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    try {
      return loader.loadClass("evolve." + simpleName);
    } catch (ClassNotFoundException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
