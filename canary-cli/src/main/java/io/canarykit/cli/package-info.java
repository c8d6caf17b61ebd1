/**
 * The {@code canary} command line (picocli): one class per subcommand, and the helpers they share.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time. Fields picocli fills by reflection ({@code @Spec}, {@code @Mixin},
 * {@code @ParentCommand}) are set before a command runs, so NullAway does not ask for them to be initialised; an
 * {@code @Option} or {@code @Parameters} that may be left out is {@code @Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.cli;

import org.jspecify.annotations.NullMarked;
