package io.canarykit.detect;

import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.cloudtrail.ReadResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * One scan of many sources ({@link CloudTrailScan#scan(List, CloudTrailScan.Listener)} of files,
 * {@link CloudTrailScan#scanSources} of streams): sources read on several threads, their matches handed over in the
 * sources' order on the calling thread, with bounded buffering.
 *
 * <ul>
 *   <li>The calling thread reads files too, and is the only one that calls the listener: when its own file is the
 *       first one not yet handed over (the head), its matches go straight to the listener; otherwise it hands over
 *       what the other threads have read (whenever it finds a match, finishes a file, or has to wait).</li>
 *   <li>The other threads keep their matches until the caller takes them, and wait once {@link #MAX_BUFFERED}
 *       matches of files after the head, or {@link #MAX_AT_HEAD} of the head, are waiting; files are claimed at most
 *       {@code window} ahead of the head. Memory therefore does not grow with the number of matches or files, and no file holds back the others'
 *       matches longer than it takes to read it.</li>
 * </ul>
 */
final class OrderedScan<T> {
    /** Reads source {@code index}, handing each match to {@code matches} as it is read. */
    interface Reading<T> {
        ReadResult read(int index, T source, java.util.function.Consumer<CloudTrailScan.Match> matches);
    }

    /** Receives, on the calling thread and in order, each source's matches and then its result. */
    interface Delivery<T> {
        void match(T source, CloudTrailScan.Match match);

        void done(int index, T source, ReadResult result, long matches);
    }

    /** Matches of files after the head kept waiting for the listener before a thread reading one of them waits. */
    static final int MAX_BUFFERED = 4096;
    /** Matches of the head file kept waiting for the listener before the thread reading it waits. */
    static final int MAX_AT_HEAD = 1024;

    /** Thrown into a reading thread when the scan has been stopped (the listener or another thread failed). */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("scan stopped", null, false, false);
        }
    }

    /** One claimed file: its matches not yet handed over, and its result once read. */
    private static final class Slot<T> {
        final int index;
        final T file;
        final ArrayDeque<CloudTrailScan.Match> pending = new ArrayDeque<>();
        long matches; // by the thread reading it; read by the caller once the result is set
        @Nullable ReadResult result;

        Slot(int index, T file) {
            this.index = index;
            this.file = file;
        }
    }

    private final List<T> files;
    private final Reading<T> reading;
    private final Delivery<T> listener;
    private final int threads;
    private final int window;
    private final Slot<T>[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private int next;
    private int head;
    private int buffered;
    private int peakBuffered;
    private boolean stopped;
    private @Nullable Throwable failure;
    private int failedAt = Integer.MAX_VALUE; // the first source whose reading failed: those before it are still handed over
    // the caller's own
    private long records;
    private long sightings;
    private long malformed;
    private long bytes;
    private final List<ReadProblem> problems = new ArrayList<>();

    @SuppressWarnings("unchecked")
    OrderedScan(List<T> sources, Reading<T> reading, Delivery<T> delivery, int threads) {
        this.files = sources;
        this.reading = reading;
        this.listener = delivery;
        this.threads = Math.max(1, Math.min(threads, sources.size()));
        this.window = Math.max(2, this.threads * 4);
        this.ring = (Slot<T>[]) new Slot[window];
    }

    CloudTrailScan.Summary run() {
        List<Thread> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            Thread th = new Thread(this::work, "canary-scan-" + t);
            th.setDaemon(true);
            th.start();
            others.add(th);
        }
        try {
            callerWork();
        } catch (RuntimeException | Error e) {
            stop(e);
            throw e;
        } finally {
            for (Thread th : others) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop(e);
                }
            }
        }
        Throwable f = failure;
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException("interrupted while scanning", f);
        }
        return new CloudTrailScan.Summary(head, records, sightings, malformed, bytes, 0, problems);
    }

    /** The most matches that were kept waiting at once (for tests of the bound). */
    int peakBuffered() {
        lock.lock();
        try {
            return peakBuffered;
        } finally {
            lock.unlock();
        }
    }

    /** A thread other than the caller: reads files until there are none left. */
    private void work() {
        try {
            for (Slot<T> s = claim(false); s != null; s = claim(false)) {
                try {
                    read(s, false);
                } catch (Stopped e) {
                    return; // the caller knows why
                } catch (RuntimeException e) {
                    fail(s.index, e);
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            stop(e);
        } catch (InterruptedException e) {
            stop(e);
        }
    }

    /** The caller: reads files while there are any, handing over what is ready in between; then the rest. */
    private void callerWork() {
        try {
            for (Slot<T> s = claim(true); s != null; s = claim(true)) {
                try {
                    read(s, true);
                } catch (Stopped e) {
                    break;
                } catch (RuntimeException e) {
                    fail(s.index, e);
                    break;
                }
                deliverReady();
            }
            while (true) {
                deliverReady();
                lock.lock();
                try {
                    if (head >= files.size() || stopped || head >= failedAt) {
                        return;
                    }
                    if (!ready()) {
                        changed.await();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(e);
        }
    }

    /** The next file to read, or null when there are none left or the scan stopped. */
    private @Nullable Slot<T> claim(boolean caller) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (stopped || next >= files.size() || next > failedAt) {
                    return null;
                }
                if (next < head + window) {
                    Slot<T> s = new Slot<>(next, files.get(next));
                    ring[next % window] = s;
                    next++;
                    return s;
                }
                if (caller) {
                    lock.unlock();
                    try {
                        deliverReady();
                    } finally {
                        lock.lock();
                    }
                    if (next < head + window || ready()) {
                        continue;
                    }
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void read(Slot<T> s, boolean caller) {
        ReadResult r = reading.read(s.index, s.file, m -> add(s, m, caller));
        lock.lock();
        try {
            s.result = r;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A match in {@code s}: straight to the listener if the caller is reading the head, else kept (bounded). */
    private void add(Slot<T> s, CloudTrailScan.Match m, boolean caller) {
        s.matches++;
        if (caller && s.index == head && s.pending.isEmpty()) {
            sightings++;
            listener.match(s.file, m); // head is only ever moved by the caller: reading it here is safe
            return;
        }
        lock.lock();
        try {
            if (stopped || s.index > failedAt) {
                throw new Stopped();
            }
            s.pending.add(m);
            buffered++;
            peakBuffered = Math.max(peakBuffered, buffered);
            if (s.index == head) {
                changed.signalAll();
            }
            while (mustWait(s, caller)) {
                if (caller) {
                    lock.unlock();
                    try {
                        deliverReady();
                    } finally {
                        lock.lock();
                    }
                    if (!mustWait(s, caller) || ready()) {
                        continue;
                    }
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                }
                if (stopped || s.index > failedAt) {
                    throw new Stopped();
                }
            }
        } finally {
            lock.unlock();
        }
        if (caller && s.index == head) {
            deliverReady(); // its own file became the head: hand over what it kept
        }
    }

    /**
     * Whether the thread reading {@code s} must wait before reading on (call with the lock held): the head's reader
     * once {@link #MAX_AT_HEAD} of its matches wait for the caller; any other once {@link #MAX_BUFFERED} matches of
     * files after the head wait. The caller never waits for its own head file: it hands its matches over itself.
     */
    private boolean mustWait(Slot<T> s, boolean caller) {
        if (stopped || s.index > failedAt) {
            return false;
        }
        if (s.index == head) {
            return !caller && s.pending.size() >= MAX_AT_HEAD;
        }
        // a file that has just become the head may hold up to MAX_BUFFERED matches of its own: count at most
        // MAX_AT_HEAD of them as the head's, so that all the matches waiting stay within MAX_BUFFERED + MAX_AT_HEAD
        int atHead = head < next ? Math.min(ring[head % window].pending.size(), MAX_AT_HEAD) : 0;
        return buffered - atHead >= MAX_BUFFERED;
    }

    /** True if the head has matches waiting or has been read to its end (call with the lock held). */
    private boolean ready() {
        if (head >= next) {
            return false;
        }
        Slot<T> h = ring[head % window];
        return !h.pending.isEmpty() || h.result != null;
    }

    /** On the caller: hands over everything that is ready, in order, without waiting. */
    private void deliverReady() {
        List<CloudTrailScan.Match> batch = new ArrayList<>();
        while (true) {
            Slot<T> h;
            boolean finished;
            lock.lock();
            try {
                if (head >= next) {
                    return;
                }
                h = ring[head % window];
                batch.addAll(h.pending);
                buffered -= h.pending.size();
                h.pending.clear();
                finished = h.result != null;
                if (finished) {
                    ring[head % window] = null;
                    head++;
                }
                if (!batch.isEmpty() || finished) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            for (CloudTrailScan.Match m : batch) {
                sightings++;
                listener.match(h.file, m);
            }
            batch.clear();
            if (!finished) {
                return;
            }
            fileDone(h);
        }
    }

    private void fileDone(Slot<T> s) {
        ReadResult r = Objects.requireNonNull(s.result, "a file is handed over as done only once its result is set");
        records += r.records();
        malformed += r.malformed();
        bytes += r.bytes();
        for (ReadProblem p : r.problems()) {
            if (problems.size() < 100) {
                problems.add(p);
            }
        }
        listener.done(s.index, s.file, r, s.matches);
    }

    /**
     * Reading source {@code index} failed: the sources before it are still read and handed over, then the scan ends
     * with {@code why}; those after it are dropped.
     */
    private void fail(int index, RuntimeException why) {
        lock.lock();
        try {
            if (index < failedAt) {
                failedAt = index;
                if (!(failure instanceof Error) && (failure == null || failure instanceof RuntimeException)) {
                    failure = why; // the earliest source's failure is the one rethrown
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the scan: threads waiting wake up and end; the first failure is the one rethrown. */
    private void stop(Throwable why) {
        lock.lock();
        try {
            if (failure == null && !(why instanceof Stopped)) {
                failure = why;
            }
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
