package org.unionfs.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerKeyLockTest {

  @Test
  void sameKey_isSerialised() throws Exception {
    PerKeyLock locks = new PerKeyLock();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] fs = new Future<?>[4];
      for (int t = 0; t < 4; t++) {
        fs[t] = pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            try (PerKeyLock.Held h = locks.lock("layer")) {
              maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Thread.yield();
              inside.decrementAndGet();
            }
          }
        });
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxInside.get()).isEqualTo(1);
  }

  @Test
  void differentKeys_runInParallel() throws Exception {
    PerKeyLock locks = new PerKeyLock();
    CountDownLatch bothInside = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> a = pool.submit(() -> {
        try (PerKeyLock.Held h = locks.lock("a")) {
          bothInside.countDown();
          return bothInside.await(10, TimeUnit.SECONDS);
        }
      });
      Future<Boolean> b = pool.submit(() -> {
        try (PerKeyLock.Held h = locks.lock("b")) {
          bothInside.countDown();
          return bothInside.await(10, TimeUnit.SECONDS);
        }
      });
      assertThat(a.get(20, TimeUnit.SECONDS)).isTrue();
      assertThat(b.get(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lockAll_inOppositeOrders_doesNotDeadlock() throws Exception {
    PerKeyLock locks = new PerKeyLock();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> x = pool.submit(() -> {
        for (int i = 0; i < 2000; i++) {
          try (PerKeyLock.Held h = locks.lockAll("a", "b")) {
            Thread.onSpinWait();
          }
        }
      });
      Future<?> y = pool.submit(() -> {
        for (int i = 0; i < 2000; i++) {
          try (PerKeyLock.Held h = locks.lockAll("b", null, "a", "a")) {
            Thread.onSpinWait();
          }
        }
      });
      x.get(30, TimeUnit.SECONDS);
      y.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reentrant_onOneThread() {
    PerKeyLock locks = new PerKeyLock();
    try (PerKeyLock.Held outer = locks.lock("k"); PerKeyLock.Held inner = locks.lock("k")) {
      assertThat(outer).isNotNull();
      assertThat(inner).isNotNull();
    }
  }
}
