package dev.alchemist.it.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alchemist.it.consumer.HostTypes.Order;
import org.junit.jupiter.api.Test;

/** The host program against the real services, on the installed artifacts. */
class HostProgramTest {
  @Test
  void runsEveryModuleAgainstTheRealServices() throws Exception {
    HostProgram.Outcome o = HostProgram.run();
    assertEquals(new Order("o-1", 1250), o.decoded());
    assertEquals(1, o.stored().size());
    assertEquals("Hello", o.stored().get(0).content());
    assertEquals(o.stored(), o.cached().messages(), "the second read is the cached history");
    assertTrue(o.receipt().sequence() > 0, "the stream stored the event");
    assertEquals("dialog", o.consumed().domain());
    assertTrue(o.answer().tokens() > 0, "the simulated model answered");
  }
}
