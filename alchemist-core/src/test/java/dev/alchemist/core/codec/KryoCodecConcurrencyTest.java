package dev.alchemist.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KryoCodecConcurrencyTest {

  @Test
  void manyThreadsSharingOneCodec_neverCorruptEachOther() throws Exception {
    // A small pool forces threads to share, create and drop Kryo instances and buffers.
    CodecRegistry codecs = KryoCodecs.builder().poolSize(2).compressionThreshold(512).build();
    Codec<DialogHistory> codec = codecs.codec(DialogHistory.class);
    int threads = 16;
    int iterations = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int verified = 0;
                  for (int i = 0; i < iterations; i++) {
                    // Sizes vary so buffers grow, shrink and sometimes compress.
                    DialogHistory history = history(thread, i % 40, i % 7 == 0 ? 3000 : 20);
                    byte[] bytes = codec.encode(history);
                    assertThat(codec.decode(bytes)).isEqualTo(history);
                    verified++;
                  }
                  return verified;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get();
      }
      assertThat(total).isEqualTo(threads * iterations);
    } finally {
      pool.shutdownNow();
    }
  }

  private static DialogHistory history(int thread, int size, int contentLength) {
    UUID dialog = new UUID(thread, size);
    List<Message> messages = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      String content = ("t" + thread + "m" + i + " ").repeat(contentLength / 6 + 1);
      messages.add(
          new Message(
              new UUID(thread, i),
              dialog,
              MessageRole.values()[i % 4],
              content,
              Instant.EPOCH.plusSeconds(i),
              i));
    }
    return new DialogHistory(dialog, messages);
  }
}
