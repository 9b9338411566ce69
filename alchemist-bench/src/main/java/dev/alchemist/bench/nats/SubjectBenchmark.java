package dev.alchemist.bench.nats;

import dev.alchemist.nats.Subject;
import dev.alchemist.nats.SubjectPattern;
import dev.alchemist.nats.SubjectSpace;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Building and checking subjects: a cached subject must cost a few hash lookups and allocate
 * nothing (run with {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubjectBenchmark {
  private final SubjectSpace space = SubjectSpace.defaultSpace();
  private final SubjectPattern creations = SubjectPattern.parse("cim.*.*.created");
  private final SubjectPattern dialog = SubjectPattern.parse("cim.dialog.>");
  private final Subject subject = Subject.of("dialog", "message", "created");
  private String domain = "dialog";
  private String entity = "message";
  private String event = "created";
  private String raw = "cim.workflow.execution.started";

  /** The hot path: the same three tokens again. */
  @Benchmark
  public Subject cachedSubject() {
    return space.subject(domain, entity, event);
  }

  /** Validating an arbitrary publish subject string. */
  @Benchmark
  public boolean validateString() {
    return Subject.isValid(raw);
  }

  /** Matching a subject against a pattern with {@code *}. */
  @Benchmark
  public boolean matchStar() {
    return creations.matches(subject);
  }

  /** Matching a subject against a pattern with {@code >}. */
  @Benchmark
  public boolean matchTail() {
    return dialog.matches(subject);
  }

  /** Matching an unvalidated string (validation included). */
  @Benchmark
  public boolean matchString() {
    return creations.matches(raw);
  }
}
