package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Safe edits of the small files placements write into: what every file placement uses, and what a custom placement
 * plugin should use too.
 *
 * <ul>
 *   <li><b>Nothing beside the target.</b> No lock file, marker or backup is ever written into a target's directory;
 *       the temporary file of an atomic write lives there only until it is renamed over the target. A directory the
 *       edit creates on the way is reported by {@link #missingDirectory} beforehand, so that the placement can record
 *       it and {@link FileChange#delete(Path)} takes it out again once it is empty. An edit that is refused (the editor
 *       throws, or a check fails) creates nothing at all, not even a directory.</li>
 *   <li><b>Serialised, with the lock outside.</b> An edit holds, for each file, a JVM-wide lock keyed by the file's
 *       real path (threads), and an exclusive lock on the one lock file {@code files.lock} in the lock directory
 *       (other processes and JVMs). The lock directory is {@code <cache>/locks} of the user the process runs as
 *       ({@code $XDG_CACHE_HOME}, else {@code ~/.cache}; {@code ~/Library/Caches} on macOS, {@code %LOCALAPPDATA%} on
 *       Windows), or {@link Builder#lockDirectory}. It is created {@code 0700} (owned like the directory it is created
 *       in, so that root running with another user's {@code HOME} does not lock that user out), the lock file
 *       {@code 0600}, opened without following links; a lock directory that others may write to is refused. One lock
 *       file for every target means the lock directory says nothing about which files were edited (a file per target,
 *       named after its path, would); edits of unrelated files wait for each other for the few milliseconds an edit
 *       takes. Locks are released when the process dies. The lock file is never deleted: a lock file deleted and
 *       created again lets two processes lock two different files. Several files are locked in path order, so edits
 *       never deadlock.</li>
 *   <li><b>Atomic.</b> New content goes to a temporary file in the same directory, which is forced to disk and then
 *       renamed over the target; readers see the old or the new file, never half of one. The directory is forced
 *       too.</li>
 *   <li><b>Checked first.</b> Every file is checked before it is read: a named pipe, device, socket or directory is
 *       refused (a pipe would block the read for ever), and so is a file larger than the size limit (1 MiB by default;
 *       reads are bounded too, so nothing large is ever held in memory). Every file that will change is checked
 *       before any is written: a read-only file or directory (no write permission bit, or not writable by this
 *       process) fails with nothing changed. If writing a later file fails anyway, the earlier ones (and the
 *       directories created for them) are put back.</li>
 *   <li><b>Private.</b> Written files get mode {@code 0600} and directories created on the way {@code 0700} (on POSIX
 *       file systems); an existing file keeps its owner and group, a new one gets its directory's.</li>
 *   <li><b>Symbolic links.</b> A file that is a symbolic link is refused unless links are allowed; then the link is
 *       kept and its target is edited.</li>
 * </ul>
 *
 * <p>Which user's cache: the process's own, on purpose. A management agent running as root keeps its lock in root's
 * cache, where the user whose files it edits (and an attacker holding that user's account) cannot see it, and no
 * other user's home directory needs looking up. Processes running as the same user exclude each other; processes
 * running as different users on the same file do not, unless they are given one shared {@link Builder#lockDirectory}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class PlacementFiles {
    /**
     * The settings {@link Builder#configure} reads, which every file placement also accepts as request options (the
     * {@code canary place} command builds the placement from the request's options): {@code follow-symlinks},
     * {@code lock-directory}, {@code lock-timeout}, {@code max-file-size}.
     */
    public static final Set<String> SETTINGS = Set.of("follow-symlinks", "lock-directory", "lock-timeout", "max-file-size");
    /** The same settings, declared with their types and defaults (for {@code PlacementProvider.configKeys()}). */
    public static final ConfigKeys SETTING_KEYS = ConfigKeys.of(
            ConfigKey.bool("follow-symlinks", "write through a target that is a symbolic link").withDefault("false"),
            ConfigKey.path("lock-directory", "where the lock file lives, outside the targets' directories"
                    + " (default: locks in the user's cache)"),
            ConfigKey.duration("lock-timeout", "longest wait for the lock").withDefault("30s"),
            ConfigKey.string("max-file-size", "largest file read or written, in bytes or with k, M, G")
                    .withDefault("1MiB"));
    /** The default size limit of a file a placement reads or writes: 1 MiB. */
    public static final long DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
    /** The name of the one lock file in a lock directory. */
    public static final String LOCK_FILE = "files.lock";

    private static final Logger LOG = LoggerFactory.getLogger(PlacementFiles.class);
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<Path, ProcessLock> PROCESS_LOCKS = new ConcurrentHashMap<>();
    private static final int MAX_LINKS = 40;
    private static final long LARGEST_LIMIT = Integer.MAX_VALUE - 16;
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

    private final boolean followSymlinks;
    private final Set<PosixFilePermission> filePermissions;
    private final Set<PosixFilePermission> directoryPermissions;
    private final Duration lockTimeout;
    private final long maxFileSize;
    private final @Nullable Path lockDirectory;
    private final PlacementEnvironment environment;

    private PlacementFiles(Builder b) {
        this.followSymlinks = b.followSymlinks;
        this.filePermissions = b.filePermissions;
        this.directoryPermissions = b.directoryPermissions;
        this.lockTimeout = b.lockTimeout;
        this.maxFileSize = b.maxFileSize;
        this.lockDirectory = b.lockDirectory == null ? null : b.lockDirectory.toAbsolutePath().normalize();
        this.environment = b.environment;
    }

    /**
     * Defaults: symbolic links refused, files {@code 0600}, directories {@code 0700}, 30 s lock timeout, 1 MiB size
     * limit, the lock directory in the cache of the real process's user.
     */
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

    /** The size limit, in bytes, of a file read or written. */
    public long maxFileSize() {
        return maxFileSize;
    }

    /**
     * The directory holding the lock file: the one given to the builder, else {@code locks} in the user's cache
     * directory as the environment names it.
     *
     * @throws CanaryConfigurationException if the environment names no home directory
     */
    public Path lockDirectory() {
        if (lockDirectory != null) {
            return lockDirectory;
        }
        String os = environment.property("os.name");
        Path cache;
        String xdg = environment.variable("XDG_CACHE_HOME");
        String localAppData = environment.variable("LOCALAPPDATA");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg.trim()).isAbsolute()) {
            cache = Path.of(xdg.trim());
        } else if (os != null && os.toLowerCase(Locale.ROOT).startsWith("mac")) {
            cache = environment.home().resolve("Library").resolve("Caches");
        } else if (os != null && os.toLowerCase(Locale.ROOT).startsWith("windows") && localAppData != null
                && !localAppData.isBlank()) {
            cache = Path.of(localAppData.trim());
        } else {
            try {
                cache = environment.home().resolve(".cache");
            } catch (CanaryConfigurationException e) {
                throw new CanaryConfigurationException("cannot find the user's cache directory for the placement lock: "
                        + "set HOME or XDG_CACHE_HOME, or the placement setting lock-directory", e);
            }
        }
        return cache.resolve("locks").toAbsolutePath().normalize();
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
                p = parentOf(p).resolve(Files.readSymbolicLink(p)).toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new CanaryConfigurationException("cannot read the symbolic link " + p + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /**
     * The topmost directory on the way to {@code file} that does not exist yet, which an edit writing {@code file}
     * would create; {@code null} when its directory exists. Call it from an {@link Editor} (under the locks) to record
     * in a receipt what the placement creates, and give it to {@link FileChange#delete(Path)} on removal.
     */
    public @Nullable Path missingDirectory(Path file) {
        Path top = null;
        for (Path d = resolve(file).getParent(); d != null && !Files.exists(d, LinkOption.NOFOLLOW_LINKS); d = d.getParent()) {
            top = d;
        }
        return top;
    }

    /**
     * Reads a file (through an allowed symbolic link) without locking: atomic replacement means a reader always sees
     * a whole file.
     *
     * @return the bytes, or {@code null} if the file does not exist
     * @throws CanaryConfigurationException if it is not a regular file, is larger than the size limit, or cannot be
     *         read
     */
    public byte @Nullable [] read(Path file) {
        return readChecked(resolve(file), "nothing was read");
    }

    /**
     * Edits one file under the locks. See {@link #update(List, Editor)}.
     */
    public <R> R update(Path file, Editor<R> editor) {
        return update(List.of(file), editor);
    }

    /**
     * Edits files together: locks them, reads them, lets {@code editor} decide, checks that every file to change can
     * be written, then writes each atomically. If the editor throws, nothing is changed and nothing is created.
     *
     * @param files  the files, in the order the editor receives them (locking uses path order)
     * @param editor gets the current contents ({@code null} for a missing file) and returns one change per file
     * @return the editor's value
     * @throws CanaryConfigurationException if a file is a refused symbolic link, not a regular file, larger than the
     *         size limit, read-only, in a read-only directory, locked by someone else for longer than the timeout, or
     *         cannot be written
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
        Path lockDir = lockDirectory();
        for (Path t : targets) {
            if (lockDir.equals(t.getParent())) {
                throw new CanaryConfigurationException("the lock directory " + lockDir + " is the directory of " + t
                        + "; nothing was changed. A lock beside the target is what an attacker would notice: set the "
                        + "placement setting lock-directory to a directory outside the targets' directories");
            }
        }
        List<Path> lockOrder = new ArrayList<>(targets);
        lockOrder.sort(Comparator.naturalOrder());
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        List<ReentrantLock> held = new ArrayList<>();
        ProcessLock processLock = null;
        boolean processLocked = false;
        try {
            for (Path t : lockOrder) {
                ReentrantLock l = JVM_LOCKS.computeIfAbsent(t, k -> new ReentrantLock());
                acquire(l, deadline, t);
                held.add(l);
            }
            processLock = PROCESS_LOCKS.computeIfAbsent(lockDir.resolve(LOCK_FILE), ProcessLock::new);
            processLock.acquire(this, deadline, targets.get(0));
            processLocked = true;
            List<byte[]> current = new ArrayList<>();
            for (Path t : targets) {
                current.add(readChecked(t, "nothing was changed"));
            }
            Outcome<R> outcome = Objects.requireNonNull(editor.edit(current), "editor outcome");
            if (outcome.changes().size() != targets.size()) {
                throw new IllegalStateException("editor returned " + outcome.changes().size() + " changes for "
                        + targets.size() + " files");
            }
            for (int i = 0; i < targets.size(); i++) {
                if (outcome.changes().get(i).kind == FileChange.Kind.WRITE) {
                    checkWritable(targets.get(i), current.get(i) != null);
                    checkSize(targets.get(i), outcome.changes().get(i).bytes().length);
                } else if (outcome.changes().get(i).kind == FileChange.Kind.DELETE && current.get(i) != null) {
                    checkWritable(targets.get(i), false);
                }
            }
            apply(targets, current, outcome.changes());
            return valueOf(outcome);
        } finally {
            if (processLocked && processLock != null) {
                processLock.release();
            }
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }

    private void apply(List<Path> targets, List<byte[]> current, List<FileChange> changes) {
        List<Integer> done = new ArrayList<>();
        List<Path> createdDirectories = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            FileChange c = changes.get(i);
            if (c.kind == FileChange.Kind.UNCHANGED) {
                continue;
            }
            try {
                if (c.kind == FileChange.Kind.DELETE) {
                    delete(targets.get(i), c.createdDirectory);
                } else {
                    write(targets.get(i), c.bytes(), current.get(i) != null, createdDirectories);
                }
                done.add(i);
            } catch (RuntimeException e) {
                for (int j = done.size() - 1; j >= 0; j--) {
                    int k = done.get(j);
                    try {
                        if (current.get(k) == null) {
                            delete(targets.get(k), null);
                        } else {
                            write(targets.get(k), current.get(k), true, createdDirectories);
                        }
                    } catch (RuntimeException rollback) {
                        e.addSuppressed(new CanaryConfigurationException("could not put back " + targets.get(k)
                                + "; check it by hand", rollback));
                    }
                }
                for (int j = createdDirectories.size() - 1; j >= 0; j--) {
                    deleteIfEmpty(createdDirectories.get(j));
                }
                throw e;
            }
        }
    }

    /** The file's bytes after checking it is a regular file within the size limit; {@code null} if it is missing. */
    private byte @Nullable [] readChecked(Path p, String outcome) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read " + p + ": " + describe(e) + "; " + outcome, e);
        }
        if (a.isDirectory()) {
            throw new CanaryConfigurationException(p + " is a directory, not a file; " + outcome + ". Give a file path");
        }
        if (!a.isRegularFile()) {
            throw new CanaryConfigurationException(p + " is " + kind(p) + ", not a regular file; " + outcome
                    + ". A placement reads and writes regular files only: give the path of one");
        }
        if (a.size() > maxFileSize) {
            throw tooLarge(p, a.size(), outcome);
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes((int) maxFileSize + 1);
            if (bytes.length > maxFileSize) {
                throw tooLarge(p, -1, outcome);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read " + p + ": " + describe(e) + "; " + outcome, e);
        }
    }

    private CanaryConfigurationException tooLarge(Path p, long size, String outcome) {
        return new CanaryConfigurationException(p + " is " + (size < 0 ? "larger than " : size + " bytes, more than ")
                + maxFileSize + " bytes (the size limit of a placement's file); " + outcome + ". A file that large is "
                + "not a credentials or configuration file; give another path, or raise the setting max-file-size");
    }

    private void checkSize(Path t, int length) {
        if (length > maxFileSize) {
            throw new CanaryConfigurationException("the new content of " + t + " would be " + length + " bytes, more "
                    + "than " + maxFileSize + " bytes (setting max-file-size); nothing was changed");
        }
    }

    /** What a non-regular file is, for the message. */
    private static String kind(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            switch (mode & 0170000) {
                case 0010000: return "a named pipe (FIFO)";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the file type of {}: {}", p, e.toString());
        }
        return "a device, pipe or socket";
    }

    private void checkWritable(Path t, boolean exists) {
        if (exists && readOnly(t)) {
            throw new CanaryConfigurationException(t + " is read-only; nothing was changed. Make it writable "
                    + "(chmod u+w) or choose another file");
        }
        Path dir = t.getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new CanaryConfigurationException("cannot create the directory " + dir + ": "
                    + (existing == null ? "no part of it exists" : existing + " is not a directory") + "; nothing was changed");
        }
        if (readOnly(existing)) {
            throw new CanaryConfigurationException(existing.equals(dir)
                    ? "the directory " + dir + " is read-only, so " + t.getFileName() + " cannot be replaced safely; "
                    + "nothing was changed. Make the directory writable or choose another file"
                    : "cannot create " + dir + ": " + existing + " is read-only; nothing was changed");
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

    private void write(Path target, byte[] content, boolean exists, List<Path> createdDirectories) {
        Path dir = parentOf(target);
        createdDirectories.addAll(ensureDirectory(dir));
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

    /** Deletes {@code target}, then its directories up to and including {@code createdDirectory} while they are empty. */
    private static void delete(Path target, @Nullable Path createdDirectory) {
        try {
            if (Files.deleteIfExists(target)) {
                forceDirectory(parentOf(target));
                LOG.debug("deleted {}", target);
            }
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot delete " + target + ": " + describe(e), e);
        }
        if (createdDirectory == null) {
            return;
        }
        Path top = createdDirectory.toAbsolutePath().normalize();
        for (Path d = target.getParent(); d != null && d.startsWith(top); d = d.getParent()) {
            if (!deleteIfEmpty(d)) {
                return;
            }
        }
    }

    /**
     * The editor's value. R is the editor's own type: the value is null only where the editor returns null for it (as
     * the placements do with {@code Void}); NullAway without JSpecify generics cannot express
     * {@code <R extends @Nullable Object>}, so the caller's choice of R is trusted here.
     */
    @SuppressWarnings("NullAway")
    private static <R> R valueOf(Outcome<R> outcome) {
        return outcome.value();
    }

    /** The directory holding {@code p}, an absolute path; a root, which has none, is refused with a clear error. */
    private static Path parentOf(Path p) {
        Path dir = p.getParent();
        if (dir == null) {
            throw new CanaryConfigurationException(p + " is a root directory, not a file: give the path of a file");
        }
        return dir;
    }

    /** Deletes an empty directory; false if it is not empty or cannot be deleted (logged), true if it is gone. */
    private static boolean deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
            if (dir.getParent() != null) {
                forceDirectory(dir.getParent());
            }
            LOG.debug("deleted the empty directory {}", dir);
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        } catch (IOException e) {
            LOG.warn("could not delete the directory {} that a placement created: {}", dir, describe(e));
            return false;
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

    private static boolean posix(Path dir) {
        return Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }

    private static void acquire(ReentrantLock lock, long deadline, Path target) {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw lockTimeout(target);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryConfigurationException("interrupted while waiting for the lock on " + target, e);
        }
    }

    /**
     * Creates the missing directories on the way to {@code dir} ({@code 0700}, owned like the directory they are
     * created in: a directory made by root in a user's home must belong to that user, as the files will).
     *
     * @return the directories created, outermost first
     */
    private List<Path> ensureDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> created = new ArrayList<>();
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                created.add(0, existing);
                existing = existing.getParent();
            }
            if (existing != null && readOnly(existing)) {
                throw new CanaryConfigurationException("cannot create " + dir + ": " + existing + " is read-only; "
                        + "nothing was changed");
            }
            if (existing != null && posix(existing)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(directoryPermissions));
                for (Path d : created) {
                    matchOwner(d, existing);
                }
            } else {
                Files.createDirectories(dir);
            }
            LOG.debug("created directory {}", dir);
            return created;
        } catch (IOException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                deleteIfEmpty(created.get(i));
            }
            throw new CanaryConfigurationException("cannot create the directory " + dir + ": " + describe(e), e);
        }
    }

    /** Creates (if needed) and checks the lock directory. */
    private void prepareLockDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            try {
                ensureDirectory(dir);
            } catch (CanaryConfigurationException e) {
                throw new CanaryConfigurationException("cannot create the lock directory " + dir + " (" + e.getMessage()
                        + "); nothing was changed. Set the placement setting lock-directory to a writable directory "
                        + "outside the targets' directories", e);
            }
        }
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new CanaryConfigurationException("the lock directory " + dir + " may be written by others ("
                        + PosixFilePermissions.toString(perms) + "), who could then break the lock; nothing was changed. "
                        + "Make it private (chmod 700) or set the placement setting lock-directory to a private directory");
            }
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot check the lock directory " + dir + ": " + describe(e), e);
        }
    }

    /**
     * Opens (creating it once, {@code 0600}, owned like its directory, never through a symbolic link) the lock file. It
     * is never deleted: a lock file that is deleted and created again lets two processes lock two different files.
     * Nothing else in this JVM opens and closes it while it is locked, since closing any descriptor of a file drops a
     * process's POSIX locks on it.
     */
    private FileChannel openLockFile(Path lockFile) throws IOException {
        Path dir = parentOf(lockFile);
        prepareLockDirectory(dir);
        try {
            FileAttribute<?>[] attrs = posix(dir)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(filePermissions)}
                    : new FileAttribute<?>[0];
            FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), attrs);
            try {
                matchOwner(lockFile, dir);
            } catch (IOException e) {
                LOG.debug("could not give {} the owner of its directory: {}", lockFile, e.toString());
            }
            return ch;
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
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

    /** Parses a size such as {@code 1048576}, {@code 512k}, {@code 1MiB} or {@code 2 MB} (binary units) into bytes. */
    static long parseSize(String text, String what) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new CanaryConfigurationException(what + ": '" + text + "' is not a size; write it like 1048576, 512k "
                    + "or 1MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = unit.startsWith("g") ? 1L << 30 : unit.startsWith("m") ? 1L << 20 : unit.startsWith("k") ? 1L << 10 : 1;
        if (n > Long.MAX_VALUE / factor) {
            throw new CanaryConfigurationException(what + ": '" + text + "' is too large");
        }
        return n * factor;
    }

    /**
     * The lock on one lock file, shared by every edit in this JVM that uses it: a JVM-wide guard (a file lock belongs
     * to the whole process, and a second lock on the same file in one process fails), then the file lock. Reentrant:
     * an edit nested in the same thread reuses the lock it already holds.
     */
    private static final class ProcessLock {
        private final Path file;
        private final ReentrantLock guard = new ReentrantLock();
        private @Nullable FileChannel channel;
        private @Nullable FileLock lock;

        ProcessLock(Path file) {
            this.file = file;
        }

        void acquire(PlacementFiles owner, long deadline, Path target) {
            PlacementFiles.acquire(guard, deadline, target);
            if (guard.getHoldCount() > 1) {
                return;
            }
            try {
                FileChannel ch = owner.openLockFile(file);
                channel = ch;
                FileLock l = ch.tryLock();
                while (l == null) {
                    if (System.nanoTime() > deadline) {
                        throw lockTimeout(target);
                    }
                    Thread.sleep(5);
                    l = ch.tryLock();
                }
                lock = l;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly();
                guard.unlock();
                throw new CanaryConfigurationException("interrupted while waiting for the lock on " + target, e);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                guard.unlock();
                if (e instanceof CanaryConfigurationException c) {
                    throw c;
                }
                throw new CanaryConfigurationException("cannot lock " + target + " (lock file " + file + "): "
                        + describe(e) + "; nothing was changed. Set the placement setting lock-directory to a writable "
                        + "directory outside the targets' directories", e);
            }
        }

        void release() {
            if (guard.getHoldCount() == 1) {
                try {
                    if (lock != null) {
                        lock.release();
                    }
                } catch (IOException e) {
                    LOG.debug("releasing a file lock failed: {}", e.toString());
                }
                closeQuietly();
            }
            guard.unlock();
        }

        private void closeQuietly() {
            lock = null;
            if (channel == null) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a lock file failed: {}", e.toString());
            }
            channel = null;
        }
    }

    /**
     * What an {@link Editor} decides for one file.
     *
     * @since 0.1.0
     */
    public static final class FileChange {
        private static final FileChange UNCHANGED = new FileChange(Kind.UNCHANGED, null, null);
        private static final FileChange DELETE = new FileChange(Kind.DELETE, null, null);

        enum Kind { UNCHANGED, WRITE, DELETE }

        private final Kind kind;
        private final byte @Nullable [] content;
        private final @Nullable Path createdDirectory;

        private FileChange(Kind kind, byte @Nullable [] content, @Nullable Path createdDirectory) {
            this.kind = kind;
            this.content = content;
            this.createdDirectory = createdDirectory;
        }

        /** Leave the file as it is. */
        public static FileChange unchanged() {
            return UNCHANGED;
        }

        /** Replace (or create, with any missing directories) the file with {@code content} (copied). */
        public static FileChange write(byte[] content) {
            return new FileChange(Kind.WRITE, Objects.requireNonNull(content, "content").clone(), null);
        }

        /** Delete the file (nothing happens if it does not exist). */
        public static FileChange delete() {
            return DELETE;
        }

        /**
         * Delete the file, then the directories the placement created for it, from the file's directory up to and
         * including {@code createdDirectory}, each only while it is empty (what {@link #missingDirectory} said before
         * the file was first written; {@code null}: none).
         */
        public static FileChange delete(@Nullable Path createdDirectory) {
            return createdDirectory == null ? DELETE : new FileChange(Kind.DELETE, null, createdDirectory);
        }

        /** The file's content after this change, given its content {@code before} ({@code null}: absent). */
        public byte @Nullable [] content(byte @Nullable [] before) {
            switch (kind) {
                case WRITE: return bytes().clone();
                case DELETE: return null;
                default: return before;
            }
        }

        /** The content of a {@code WRITE} change (every {@code WRITE} has one). */
        byte[] bytes() {
            return Objects.requireNonNull(content, "a WRITE change has content");
        }

        /** True unless this is {@link #unchanged()}. */
        public boolean changes() {
            return kind != Kind.UNCHANGED;
        }

        @Override
        public String toString() {
            return kind == Kind.WRITE ? "FileChange[WRITE " + bytes().length + " bytes]" : "FileChange[" + kind + "]";
        }
    }

    /**
     * What an editor returns: one change per file, and a value for the caller.
     *
     * @param value   returned by {@link #update}, may be {@code null}
     * @param changes one per file, in the order the files were given
     * @param <R>     the value's type
     *
     * @since 0.1.0
     */
    public record Outcome<R>(@Nullable R value, List<FileChange> changes) {
        public Outcome {
            changes = List.copyOf(changes);
        }

        /** An outcome with these changes. */
        public static <R> Outcome<R> of(@Nullable R value, FileChange... changes) {
            return new Outcome<>(value, List.of(changes));
        }
    }

    /**
     * Decides what to write, given the current contents. Runs under the locks; it must not touch the files itself. An
     * exception it throws leaves every file as it was.
     *
     * @param <R> the value returned by {@link #update}
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Editor<R> {
        /**
         * @param current the files' bytes, in order; {@code null} for a file that does not exist
         */
        Outcome<R> edit(List<byte[]> current);
    }

    /**
     * Builds {@link PlacementFiles}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private boolean followSymlinks;
        private Set<PosixFilePermission> filePermissions = PosixFilePermissions.fromString("rw-------");
        private Set<PosixFilePermission> directoryPermissions = PosixFilePermissions.fromString("rwx------");
        private Duration lockTimeout = Duration.ofSeconds(30);
        private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
        private @Nullable Path lockDirectory;
        private PlacementEnvironment environment = PlacementEnvironment.system();

        private Builder() {
        }

        /**
         * Applies a placement's settings (its {@code canary.placement.<name>.*} keys, without that prefix, as
         * returned by {@link PlacementOptions#settings}): {@code follow-symlinks} (default {@code false}),
         * {@code lock-directory} (default: in the user's cache), {@code lock-timeout} (default {@code 30s}),
         * {@code max-file-size} (default {@code 1MiB}; plain bytes or with {@code k}, {@code M}, {@code G}). Other
         * keys are ignored.
         */
        public Builder configure(CanaryConfig settings) {
            Objects.requireNonNull(settings, "settings");
            followSymlinks(settings.getBoolean("follow-symlinks", false));
            Path lockDir = settings.getPath("lock-directory");
            if (lockDir != null) {
                lockDirectory(lockDir);
            }
            lockTimeout(settings.getDuration("lock-timeout", lockTimeout));
            if (settings.getString("max-file-size") != null) {
                maxFileSize(parseSize(settings.getString("max-file-size"), "max-file-size"));
            }
            return this;
        }

        /** Whether a file that is a symbolic link may be written through (default {@code false}: refused). */
        public Builder followSymlinks(boolean follow) {
            this.followSymlinks = follow;
            return this;
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
                throw new CanaryConfigurationException("lock-timeout must not be negative");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /**
         * The size limit, in bytes, of a file read or written (default 1 MiB): a larger file is refused before it is
         * read.
         */
        public Builder maxFileSize(long bytes) {
            if (bytes < 1 || bytes > LARGEST_LIMIT) {
                throw new CanaryConfigurationException("max-file-size must be 1 to " + LARGEST_LIMIT + " bytes, was " + bytes);
            }
            this.maxFileSize = bytes;
            return this;
        }

        /**
         * The directory holding the lock file (default: {@code locks} in the user's cache directory, as the
         * {@link #environment} names it). It must be outside the targets' directories; it is created {@code 0700} if
         * missing. Processes editing the same files as different users exclude each other only if they share it.
         */
        public Builder lockDirectory(Path directory) {
            this.lockDirectory = Objects.requireNonNull(directory, "lockDirectory");
            return this;
        }

        /**
         * Where the default lock directory is found ({@code XDG_CACHE_HOME}, {@code HOME}, ...; default: the real
         * process). File placements pass their own environment when they build their default instance.
         */
        public Builder environment(PlacementEnvironment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
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
