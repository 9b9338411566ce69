package dev.alchemist.boot;

import dev.alchemist.nats.ProvisionResult;
import dev.alchemist.nats.StreamSpec;
import java.util.Map;

/**
 * The JetStream streams of {@code alchemist.nats.streams.*}, as provisioned at startup: each
 * property key's spec and what provisioning did. Immutable and thread-safe.
 *
 * @param specs the spec of each configured stream, by property key
 * @param results what provisioning did for each, by property key
 */
public record ProvisionedStreams(
    Map<String, StreamSpec> specs, Map<String, ProvisionResult> results) {
  /** Copies both maps. */
  public ProvisionedStreams {
    specs = Map.copyOf(specs);
    results = Map.copyOf(results);
  }
}
