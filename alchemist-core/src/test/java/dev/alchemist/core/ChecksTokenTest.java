package dev.alchemist.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Tokens are checked by a loop; it must accept exactly what the documented pattern accepts. */
class ChecksTokenTest {
  private static final Pattern DOCUMENTED = Pattern.compile("[a-z0-9_-]{1,64}");

  @Provide
  Arbitrary<String> candidates() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(70),
        Arbitraries.strings().withCharRange(' ', '\u007f').ofMaxLength(70),
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('0', '9')
            .withChars('_', '-', 'A', 'Z', '.', '`', '{', '/', ':', '\u00e9', '\u0430')
            .ofMaxLength(70));
  }

  @Property(tries = 5000)
  void token_acceptsExactlyTheDocumentedPattern(@ForAll("candidates") String value) {
    boolean accepted;
    try {
      assertThat(Checks.token("domain", value)).isSameAs(value);
      accepted = true;
    } catch (IllegalArgumentException refused) {
      accepted = false;
    }
    assertThat(accepted).as("'%s'", value).isEqualTo(DOCUMENTED.matcher(value).matches());
  }

  @Test
  void refusedToken_namesTheFieldAndThePattern() {
    assertThatThrownBy(() -> Checks.token("entity", "Message"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entity must match [a-z0-9_-]+ but was 'Message'");
  }
}
