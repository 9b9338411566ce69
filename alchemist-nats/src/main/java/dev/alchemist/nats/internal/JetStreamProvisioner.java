package dev.alchemist.nats.internal;

import dev.alchemist.core.Checks;
import dev.alchemist.nats.ProvisionResult;
import dev.alchemist.nats.StreamDiff;
import dev.alchemist.nats.StreamProvisioner;
import dev.alchemist.nats.StreamProvisioningException;
import dev.alchemist.nats.StreamSpec;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.Placement;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link StreamProvisioner} over jnats' {@link JetStreamManagement}. */
public final class JetStreamProvisioner implements StreamProvisioner {
  private static final int STREAM_NOT_FOUND = 10059;

  private final JetStreamManagement management;

  public JetStreamProvisioner(JetStreamManagement management) {
    this.management = management;
  }

  @Override
  public StreamDiff diff(StreamSpec spec) {
    Checks.notNull("spec", spec);
    @Nullable StreamConfiguration current = current(spec.name());
    return current == null ? new StreamDiff(spec.name(), false, List.of()) : diff(spec, current);
  }

  @Override
  public ProvisionResult provision(StreamSpec spec) {
    Checks.notNull("spec", spec);
    @Nullable StreamConfiguration current = current(spec.name());
    if (current == null) {
      StreamDiff diff = new StreamDiff(spec.name(), false, List.of());
      try {
        management.addStream(toConfiguration(spec));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == 10058) {
          // Created concurrently by another instance: provision again against what now exists.
          return provision(spec);
        }
        throw refused("create", spec, diff, e);
      } catch (IOException e) {
        throw refused("create", spec, diff, e);
      }
      return new ProvisionResult(ProvisionResult.Action.CREATED, diff);
    }
    StreamDiff diff = diff(spec, current);
    if (diff.changes().isEmpty()) {
      return new ProvisionResult(ProvisionResult.Action.UNCHANGED, diff);
    }
    List<StreamDiff.Change> immutable = diff.immutableChanges();
    if (!immutable.isEmpty()) {
      throw new StreamProvisioningException(
          "stream "
              + spec.name()
              + " differs in immutable fields "
              + immutable
              + "; nothing was changed. Migrate to a new stream (or delete this one) to change"
              + " them.",
          diff,
          null);
    }
    try {
      management.updateStream(toConfiguration(spec));
    } catch (JetStreamApiException | IOException e) {
      throw refused("update", spec, diff, e);
    }
    return new ProvisionResult(ProvisionResult.Action.UPDATED, diff);
  }

  @Override
  public boolean delete(String streamName) {
    Checks.notBlank("streamName", streamName);
    try {
      return management.deleteStream(streamName);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return false;
      }
      throw new StreamProvisioningException(
          "cannot delete stream " + streamName + ": " + e.getMessage(), null, e);
    } catch (IOException e) {
      throw new StreamProvisioningException(
          "cannot delete stream " + streamName + ": " + e.getMessage(), null, e);
    }
  }

  private @Nullable StreamConfiguration current(String name) {
    try {
      StreamInfo info = management.getStreamInfo(name);
      return info.getConfiguration();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return null;
      }
      throw new StreamProvisioningException(
          "cannot read stream " + name + ": " + e.getMessage(), null, e);
    } catch (IOException e) {
      throw new StreamProvisioningException(
          "cannot read stream " + name + ": " + e.getMessage(), null, e);
    }
  }

  private static StreamProvisioningException refused(
      String what, StreamSpec spec, StreamDiff diff, Exception e) {
    return new StreamProvisioningException(
        "the server refused to "
            + what
            + " stream "
            + spec.name()
            + " (replicas="
            + spec.replicas()
            + ", placement="
            + spec.placementCluster()
            + " "
            + spec.placementTags()
            + ", changes="
            + diff.changes()
            + "): "
            + e.getMessage(),
        diff,
        e);
  }

  static StreamDiff diff(StreamSpec spec, StreamConfiguration c) {
    List<StreamDiff.Change> changes = new ArrayList<>();
    compare(changes, "subjects", Set.copyOf(c.getSubjects()), Set.copyOf(spec.subjects()), true);
    compare(changes, "retention", fromRetention(c.getRetentionPolicy()), spec.retention(), false);
    compare(changes, "maxMessages", c.getMaxMsgs(), spec.maxMessages(), true);
    compare(changes, "maxBytes", c.getMaxBytes(), spec.maxBytes(), true);
    compare(changes, "maxAge", c.getMaxAge(), spec.maxAge(), true);
    compare(
        changes, "maxMessageSize", (long) c.getMaximumMessageSize(), spec.maxMessageSize(), true);
    compare(changes, "storage", fromStorage(c.getStorageType()), spec.storage(), false);
    compare(changes, "replicas", c.getReplicas(), spec.replicas(), true);
    Placement p = c.getPlacement();
    @Nullable String cluster = p == null ? null : emptyToNull(p.getCluster());
    List<String> tags = p == null || p.getTags() == null ? List.of() : p.getTags();
    compare(changes, "placementCluster", cluster, spec.placementCluster(), true);
    compare(changes, "placementTags", Set.copyOf(tags), Set.copyOf(spec.placementTags()), true);
    Duration window = c.getDuplicateWindow();
    compare(changes, "duplicateWindow", window, spec.duplicateWindow(), true);
    compare(changes, "discard", fromDiscard(c.getDiscardPolicy()), spec.discard(), true);
    return new StreamDiff(spec.name(), true, changes);
  }

  private static void compare(
      List<StreamDiff.Change> changes,
      String field,
      @Nullable Object current,
      @Nullable Object desired,
      boolean mutable) {
    if (!Objects.equals(current, desired)) {
      changes.add(new StreamDiff.Change(field, current, desired, mutable));
    }
  }

  static StreamConfiguration toConfiguration(StreamSpec spec) {
    StreamConfiguration.Builder b =
        StreamConfiguration.builder()
            .name(spec.name())
            .subjects(spec.subjects())
            .retentionPolicy(toRetention(spec.retention()))
            .maxMessages(spec.maxMessages())
            .maxBytes(spec.maxBytes())
            .maxAge(spec.maxAge())
            .maximumMessageSize((int) spec.maxMessageSize())
            .storageType(
                spec.storage() == StreamSpec.Storage.FILE ? StorageType.File : StorageType.Memory)
            .replicas(spec.replicas())
            .duplicateWindow(spec.duplicateWindow())
            .discardPolicy(
                spec.discard() == StreamSpec.Discard.OLD ? DiscardPolicy.Old : DiscardPolicy.New);
    if (spec.placementCluster() != null || !spec.placementTags().isEmpty()) {
      Placement.Builder placement = Placement.builder().tags(spec.placementTags());
      if (spec.placementCluster() != null) {
        placement.cluster(spec.placementCluster());
      }
      b.placement(placement.build());
    }
    return b.build();
  }

  private static RetentionPolicy toRetention(StreamSpec.Retention retention) {
    return switch (retention) {
      case LIMITS -> RetentionPolicy.Limits;
      case INTEREST -> RetentionPolicy.Interest;
      case WORK_QUEUE -> RetentionPolicy.WorkQueue;
    };
  }

  private static StreamSpec.@Nullable Retention fromRetention(@Nullable RetentionPolicy policy) {
    if (policy == null) {
      return null;
    }
    return switch (policy) {
      case Limits -> StreamSpec.Retention.LIMITS;
      case Interest -> StreamSpec.Retention.INTEREST;
      case WorkQueue -> StreamSpec.Retention.WORK_QUEUE;
    };
  }

  private static StreamSpec.@Nullable Storage fromStorage(@Nullable StorageType type) {
    if (type == null) {
      return null;
    }
    return type == StorageType.File ? StreamSpec.Storage.FILE : StreamSpec.Storage.MEMORY;
  }

  private static StreamSpec.@Nullable Discard fromDiscard(@Nullable DiscardPolicy policy) {
    if (policy == null) {
      return null;
    }
    return policy == DiscardPolicy.Old ? StreamSpec.Discard.OLD : StreamSpec.Discard.NEW;
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
