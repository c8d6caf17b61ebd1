package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Safe edits of the small files placements write into: what every file placement uses, and what a custom placement
 * plugin should use too.
 *
 * <ul>
 *   <li><b>Serialised.</b> An edit holds, for each file, a JVM-wide lock (threads; file locks belong to the whole
 *       process) and an exclusive lock on a lock file beside it ({@code .<name>.lock}, other processes), so two
 *       placements at once never lose each other's change. Several files are locked in path order, so edits never
 *       deadlock. The lock file stays (empty, {@code 0600}): deleting it would let two processes lock two different
 *       files.</li>
 *   <li><b>Atomic.</b> New content goes to a temporary file in the same directory, which is forced to disk and then
 *       renamed over the target; readers see the old or the new file, never half of one. The directory is forced
 *       too.</li>
 *   <li><b>Checked first.</b> Every file that will change is checked before any is written: a read-only file or
 *       directory (no write permission bit, or not writable by this process) fails with nothing changed. If writing
 *       a later file fails anyway, the earlier ones are put back.</li>
 *   <li><b>Private.</b> Written files get mode {@code 0600} and directories created on the way {@code 0700} (on POSIX
 *       file systems); an existing file keeps its owner and group, a new one gets its directory's.</li>
 *   <li><b>Symbolic links.</b> A file that is a symbolic link is refused unless links are allowed; then the link is
 *       kept and its target is edited.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PlacementFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementFiles.class);
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final int MAX_LINKS = 40;

    private final boolean followSymlinks;
    private final Set<PosixFilePermission> filePermissions;
    private final Set<PosixFilePermission> directoryPermissions;
    private final Duration lockTimeout;

    private PlacementFiles(Builder b) {
        this.followSymlinks = b.followSymlinks;
        this.filePermissions = b.filePermissions;
        this.directoryPermissions = b.directoryPermissions;
        this.lockTimeout = b.lockTimeout;
    }

    /**
     * The settings {@link Builder#configure} reads, which every file placement also accepts as request options (the
     * {@code canary place} command builds the placement from the request's options): {@code follow-symlinks}.
     */
    public static final Set<String> SETTINGS = Set.of("follow-symlinks");

    /** Defaults: symbolic links refused, files {@code 0600}, directories {@code 0700}, 30 s lock timeout. */
    public static PlacementFiles defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** True if symbolic links are followed. */
    public boolean followsSymlinks() {
        return followSymlinks;
    }

    /**
     * The file an edit of {@code file} would write: the absolute path, or, for an allowed symbolic link, its final
     * target.
     *
     * @throws CanaryConfigurationException if {@code file} is a symbolic link and links are not allowed
     */
    public Path resolve(Path file) {
        Objects.requireNonNull(file, "file");
        Path p = file.toAbsolutePath().normalize();
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (!followSymlinks) {
                throw new CanaryConfigurationException(p + " is a symbolic link; nothing was changed. Give the real file's "
                        + "path, or allow following links (setting follow-symlinks=true) if writing to its target is intended");
            }
            if (i >= MAX_LINKS) {
                throw new CanaryConfigurationException(file + ": too many levels of symbolic links");
            }
            try {
                p = p.getParent().resolve(Files.readSymbolicLink(p)).toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new CanaryConfigurationException("cannot read the symbolic link " + p + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /**
     * Reads a file (through an allowed symbolic link) without locking: atomic replacement means a reader always sees
     * a whole file.
     *
     * @return the bytes, or {@code null} if the file does not exist
     */
    public byte[] read(Path file) {
        Path p = resolve(file);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read " + p + ": " + describe(e), e);
        }
    }

    /**
     * Edits one file under the locks. See {@link #update(List, Editor)}.
     */
    public <R> R update(Path file, Editor<R> editor) {
        return update(List.of(file), editor);
    }

    /**
     * Edits files together: locks them, reads them, lets {@code editor} decide, checks that every file to change can
     * be written, then writes each atomically. If the editor throws, nothing is changed.
     *
     * @param files  the files, in the order the editor receives them (locking uses path order)
     * @param editor gets the current contents ({@code null} for a missing file) and returns one change per file
     * @return the editor's value
     * @throws CanaryConfigurationException if a file is a refused symbolic link, read-only, in a read-only directory,
     *         locked by someone else for longer than the timeout, or cannot be written
     */
    public <R> R update(List<Path> files, Editor<R> editor) {
        Objects.requireNonNull(editor, "editor");
        List<Path> targets = new ArrayList<>();
        for (Path f : files) {
            Path t = resolve(f);
            if (targets.contains(t)) {
                throw new CanaryConfigurationException("the same file is given twice: " + t);
            }
            targets.add(t);
        }
        List<Path> lockOrder = new ArrayList<>(targets);
        lockOrder.sort(Comparator.naturalOrder());
        List<Held> held = new ArrayList<>();
        try {
            for (Path t : lockOrder) {
                held.add(lock(t));
            }
            List<byte[]> current = new ArrayList<>();
            for (Path t : targets) {
                current.add(readLocked(t));
            }
            Outcome<R> outcome = Objects.requireNonNull(editor.edit(current), "editor outcome");
            if (outcome.changes().size() != targets.size()) {
                throw new IllegalStateException("editor returned " + outcome.changes().size() + " changes for "
                        + targets.size() + " files");
            }
            for (int i = 0; i < targets.size(); i++) {
                if (outcome.changes().get(i).kind != FileChange.Kind.UNCHANGED) {
                    checkWritable(targets.get(i), current.get(i) != null);
                }
            }
            apply(targets, current, outcome.changes());
            return outcome.value();
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).release();
            }
        }
    }

    private void apply(List<Path> targets, List<byte[]> current, List<FileChange> changes) {
        List<Integer> done = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            FileChange c = changes.get(i);
            if (c.kind == FileChange.Kind.UNCHANGED) {
                continue;
            }
            try {
                if (c.kind == FileChange.Kind.DELETE) {
                    delete(targets.get(i));
                } else {
                    write(targets.get(i), c.content, current.get(i) != null);
                }
                done.add(i);
            } catch (RuntimeException e) {
                for (int j = done.size() - 1; j >= 0; j--) {
                    int k = done.get(j);
                    try {
                        if (current.get(k) == null) {
                            delete(targets.get(k));
                        } else {
                            write(targets.get(k), current.get(k), true);
                        }
                    } catch (RuntimeException rollback) {
                        e.addSuppressed(new CanaryConfigurationException("could not put back " + targets.get(k)
                                + "; check it by hand", rollback));
                    }
                }
                throw e;
            }
        }
    }

    private byte[] readLocked(Path t) {
        try {
            if (Files.isDirectory(t)) {
                throw new CanaryConfigurationException(t + " is a directory, not a file; give a file path");
            }
            return Files.readAllBytes(t);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read " + t + ": " + describe(e) + "; nothing was changed", e);
        }
    }

    private void checkWritable(Path t, boolean exists) {
        Path dir = t.getParent();
        if (exists && readOnly(t)) {
            throw new CanaryConfigurationException(t + " is read-only; nothing was changed. Make it writable "
                    + "(chmod u+w) or choose another file");
        }
        if (readOnly(dir)) {
            throw new CanaryConfigurationException("the directory " + dir + " is read-only, so " + t.getFileName()
                    + " cannot be replaced safely; nothing was changed. Make the directory writable or choose another file");
        }
    }

    private static boolean readOnly(Path p) {
        if (!Files.isWritable(p)) {
            return true;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return false;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            return !perms.contains(PosixFilePermission.OWNER_WRITE) && !perms.contains(PosixFilePermission.GROUP_WRITE)
                    && !perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    private void write(Path target, byte[] content, boolean exists) {
        Path dir = target.getParent();
        Path tmp = null;
        try {
            tmp = posix(dir)
                    ? Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(filePermissions))
                    : Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            matchOwner(tmp, exists ? target : dir);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            forceDirectory(dir);
            LOG.debug("wrote {} ({} bytes)", target, content.length);
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot write " + target + ": " + describe(e) + "; it was left as it was", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("could not delete the temporary file {}: {}", tmp, e.toString());
                }
            }
        }
    }

    private static void delete(Path target) {
        try {
            if (Files.deleteIfExists(target)) {
                forceDirectory(target.getParent());
                LOG.debug("deleted {}", target);
            }
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot delete " + target + ": " + describe(e), e);
        }
    }

    private static void matchOwner(Path tmp, Path model) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        PosixFileAttributeView modelView = Files.getFileAttributeView(model, PosixFileAttributeView.class);
        if (view == null || modelView == null) {
            return;
        }
        PosixFileAttributes want = modelView.readAttributes();
        PosixFileAttributes have = view.readAttributes();
        UserPrincipal owner = want.owner();
        GroupPrincipal group = want.group();
        try {
            if (!owner.equals(have.owner())) {
                view.setOwner(owner);
            }
            if (!group.equals(have.group())) {
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new IOException("cannot give the new file the owner " + owner.getName() + ":" + group.getName()
                    + " of " + model + " (" + describe(e) + "); run as that user", e);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not force directory {} to disk: {}", dir, e.toString());
        }
    }

    private boolean posix(Path dir) {
        return Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }

    private Held lock(Path target) {
        Path dir = target.getParent();
        ensureDirectory(dir);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(target, k -> new ReentrantLock());
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        try {
            if (!jvmLock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw lockTimeout(target);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryConfigurationException("interrupted while waiting for the lock on " + target, e);
        }
        Path lockFile = dir.resolve("." + target.getFileName() + ".lock");
        FileChannel ch = null;
        try {
            ch = openLockFile(lockFile, dir);
            FileLock lock = ch.tryLock();
            while (lock == null) {
                if (System.nanoTime() > deadline) {
                    throw lockTimeout(target);
                }
                Thread.sleep(5);
                lock = ch.tryLock();
            }
            return new Held(jvmLock, ch, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(ch);
            jvmLock.unlock();
            throw new CanaryConfigurationException("interrupted while waiting for the lock on " + target, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            jvmLock.unlock();
            if (e instanceof CanaryConfigurationException c) {
                throw c;
            }
            throw new CanaryConfigurationException("cannot lock " + target + " (lock file " + lockFile + "): "
                    + describe(e) + "; nothing was changed", e);
        }
    }

    /**
     * Opens (creating it once, {@code 0600}, owned like its directory) the lock file. It is never deleted: a lock file
     * that is deleted and created again lets two processes lock two different files. Nothing else may open and close
     * it while it is locked, since closing any descriptor of a file drops a process's POSIX locks on it.
     */
    private FileChannel openLockFile(Path lockFile, Path dir) throws IOException {
        try {
            FileAttribute<?>[] attrs = posix(dir)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(filePermissions)}
                    : new FileAttribute<?>[0];
            FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
            try {
                matchOwner(lockFile, dir);
            } catch (IOException e) {
                LOG.debug("could not give {} the owner of its directory: {}", lockFile, e.toString());
            }
            return ch;
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE);
        }
    }

    private void ensureDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && readOnly(existing)) {
                throw new CanaryConfigurationException("cannot create " + dir + ": " + existing + " is read-only; "
                        + "nothing was changed");
            }
            if (existing != null && posix(existing)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(directoryPermissions));
                // a directory made by root in a user's home must belong to that user, as the files will
                for (Path d = dir; d != null && !d.equals(existing); d = d.getParent()) {
                    matchOwner(d, existing);
                }
            } else {
                Files.createDirectories(dir);
            }
            LOG.debug("created directory {}", dir);
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot create the directory " + dir + ": " + describe(e), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("closing a lock file failed: {}", e.toString());
        }
    }

    private static CanaryConfigurationException lockTimeout(Path target) {
        return new CanaryConfigurationException("another placement holds the lock on " + target
                + " and did not release it in time; nothing was changed. Try again");
    }

    static String describe(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + m;
    }

    /** A lock held on one file. */
    private static final class Held {
        private final ReentrantLock jvmLock;
        private final FileChannel channel;
        private final FileLock lock;

        Held(ReentrantLock jvmLock, FileChannel channel, FileLock lock) {
            this.jvmLock = jvmLock;
            this.channel = channel;
            this.lock = lock;
        }

        void release() {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("releasing a file lock failed: {}", e.toString());
            }
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }

    /** What an {@link Editor} decides for one file. */
    public static final class FileChange {
        private static final FileChange UNCHANGED = new FileChange(Kind.UNCHANGED, null);
        private static final FileChange DELETE = new FileChange(Kind.DELETE, null);

        enum Kind { UNCHANGED, WRITE, DELETE }

        private final Kind kind;
        private final byte[] content;

        private FileChange(Kind kind, byte[] content) {
            this.kind = kind;
            this.content = content;
        }

        /** Leave the file as it is. */
        public static FileChange unchanged() {
            return UNCHANGED;
        }

        /** Replace (or create) the file with {@code content} (copied). */
        public static FileChange write(byte[] content) {
            return new FileChange(Kind.WRITE, Objects.requireNonNull(content, "content").clone());
        }

        /** Delete the file (nothing happens if it does not exist). */
        public static FileChange delete() {
            return DELETE;
        }

        /** The file's content after this change, given its content {@code before} ({@code null}: absent). */
        public byte[] content(byte[] before) {
            switch (kind) {
                case WRITE: return content.clone();
                case DELETE: return null;
                default: return before;
            }
        }

        /** True unless this is {@link #unchanged()}. */
        public boolean changes() {
            return kind != Kind.UNCHANGED;
        }

        @Override
        public String toString() {
            return kind == Kind.WRITE ? "FileChange[WRITE " + content.length + " bytes]" : "FileChange[" + kind + "]";
        }
    }

    /**
     * What an editor returns: one change per file, and a value for the caller.
     *
     * @param value   returned by {@link #update}, may be {@code null}
     * @param changes one per file, in the order the files were given
     * @param <R>     the value's type
     */
    public record Outcome<R>(R value, List<FileChange> changes) {
        public Outcome {
            changes = List.copyOf(changes);
        }

        /** An outcome with these changes. */
        public static <R> Outcome<R> of(R value, FileChange... changes) {
            return new Outcome<>(value, List.of(changes));
        }
    }

    /**
     * Decides what to write, given the current contents. Runs under the locks; it must not touch the files itself. An
     * exception it throws leaves every file as it was.
     *
     * @param <R> the value returned by {@link #update}
     */
    @FunctionalInterface
    public interface Editor<R> {
        /**
         * @param current the files' bytes, in order; {@code null} for a file that does not exist
         */
        Outcome<R> edit(List<byte[]> current);
    }

    /** Builds {@link PlacementFiles}. */
    public static final class Builder {
        private boolean followSymlinks;
        private Set<PosixFilePermission> filePermissions = PosixFilePermissions.fromString("rw-------");
        private Set<PosixFilePermission> directoryPermissions = PosixFilePermissions.fromString("rwx------");
        private Duration lockTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Whether a file that is a symbolic link may be written through (default {@code false}: refused). */
        public Builder followSymlinks(boolean follow) {
            this.followSymlinks = follow;
            return this;
        }

        /**
         * Applies a placement's settings (its {@code canary.placement.<name>.*} keys, without that prefix, as
         * returned by {@link PlacementOptions#settings}): {@code follow-symlinks} (default {@code false}). Other keys
         * are ignored.
         */
        public Builder configure(io.canarykit.config.CanaryConfig settings) {
            Objects.requireNonNull(settings, "settings");
            return followSymlinks(settings.getBoolean("follow-symlinks", false));
        }

        /** Mode of written files as {@code rw-------} (the default). */
        public Builder filePermissions(String perms) {
            this.filePermissions = parse(perms, "filePermissions");
            return this;
        }

        /** Mode of created directories as {@code rwx------} (the default). */
        public Builder directoryPermissions(String perms) {
            this.directoryPermissions = parse(perms, "directoryPermissions");
            return this;
        }

        /** How long to wait for another placement's lock (default 30 s). */
        public Builder lockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "lockTimeout");
            if (timeout.isNegative()) {
                throw new CanaryConfigurationException("lockTimeout must not be negative");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /** The immutable instance. */
        public PlacementFiles build() {
            return new PlacementFiles(this);
        }

        private static Set<PosixFilePermission> parse(String perms, String what) {
            try {
                return PosixFilePermissions.fromString(Objects.requireNonNull(perms, what));
            } catch (IllegalArgumentException e) {
                throw new CanaryConfigurationException(what + " '" + perms + "' is not valid; write it like rw-------");
            }
        }
    }
}
