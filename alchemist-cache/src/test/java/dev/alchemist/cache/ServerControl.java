package dev.alchemist.cache;

import dev.alchemist.testing.PrivateServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Test-side control of a private redis-server: an admin connection, SIGSTOP/SIGCONT of that one
 * process (its pid comes from {@code INFO server}), and an executor that holds tasks back.
 */
final class ServerControl implements AutoCloseable {

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> admin;
  private final long pid;

  ServerControl(PrivateServer server) {
    this.client = RedisClient.create(server.uri());
    this.admin = client.connect();
    String info = admin.sync().info("server");
    long found = -1;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("process_id:")) {
        found = Long.parseLong(line.substring("process_id:".length()).trim());
      }
    }
    this.pid = found;
  }

  RedisCommands<String, String> sync() {
    return admin.sync();
  }

  /** Hangs the server as a stuck process would: connections stay open, nothing is answered. */
  void pause() {
    signal("STOP");
  }

  void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      admin.close();
    } catch (RuntimeException e) {
      // the server may be gone already
    }
    client.shutdown();
  }

  /** Queues every task until {@link #release()}; after that runs tasks on the calling thread. */
  static final class HeldExecutor implements Executor {
    private final ReentrantLock lock = new ReentrantLock();
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private boolean held = true;

    @Override
    public void execute(Runnable task) {
      lock.lock();
      try {
        if (held) {
          queue.add(task);
          return;
        }
      } finally {
        lock.unlock();
      }
      task.run();
    }

    int queued() {
      lock.lock();
      try {
        return queue.size();
      } finally {
        lock.unlock();
      }
    }

    /** Runs what is queued now, in order, on this thread, and keeps holding later tasks. */
    void drain() {
      while (true) {
        Runnable next;
        lock.lock();
        try {
          next = queue.poll();
        } finally {
          lock.unlock();
        }
        if (next == null) {
          return;
        }
        next.run();
      }
    }
  }
}
