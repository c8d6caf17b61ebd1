package io.canarykit.inventory;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An inventory in a CSV file (RFC 4180: comma-separated, optional double quotes, {@code ""} for a quote inside
 * quotes, UTF-8, optional BOM). The header names the columns:
 *
 * <ul>
 *   <li>{@code kind} and {@code id} (required): the asset;</li>
 *   <li>{@code placement} (optional): the placement for this asset, empty for the onboarding default;</li>
 *   <li>{@code option.<key>} (optional): a placement option, such as {@code option.profile};</li>
 *   <li>any other column: a label of the asset (owner, team, hostname, ...). Empty cells are skipped.</li>
 * </ul>
 *
 * <pre>
 * kind,id,owner,placement,option.profile
 * laptop,LT-0042,zoe,aws-credentials-file,billing-admin
 * ci-build,deploy-pipeline,platform,env,
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored. A malformed file fails as a whole with the line number,
 * so onboarding never mistakes a half-read inventory for removed assets.
 *
 * @since 0.1.0
 */
public final class CsvAssetSource implements AssetSource {
    private final Path file;

    private CsvAssetSource(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** An inventory read from {@code file} at each {@link #assets()} call. */
    public static CsvAssetSource of(Path file) {
        return new CsvAssetSource(file);
    }

    @Override
    public List<InventoryEntry> assets() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("inventory " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new CanaryConfigurationException("inventory " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read inventory " + file + ": " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = parse(text);
        if (rows.isEmpty()) {
            throw new CanaryConfigurationException("inventory " + file + " has no header line; the first line must name"
                    + " the columns, at least kind,id");
        }
        Row header = rows.get(0);
        List<String> names = new ArrayList<>();
        for (String h : header.cells) {
            names.add(h.trim().toLowerCase(Locale.ROOT));
        }
        int kindCol = names.indexOf("kind");
        int idCol = names.indexOf("id");
        if (kindCol < 0 || idCol < 0) {
            throw new CanaryConfigurationException("inventory " + file + " line " + header.line
                    + ": the header must have columns 'kind' and 'id', found " + names);
        }
        Set<String> seen = new HashSet<>();
        List<InventoryEntry> out = new ArrayList<>();
        for (Row row : rows.subList(1, rows.size())) {
            if (row.cells.size() != names.size()) {
                throw new CanaryConfigurationException("inventory " + file + " line " + row.line + ": expected "
                        + names.size() + " columns as in the header, found " + row.cells.size());
            }
            String kind = row.cells.get(kindCol).trim();
            String id = row.cells.get(idCol).trim();
            Map<String, String> labels = new LinkedHashMap<>();
            Map<String, String> options = new LinkedHashMap<>();
            String placement = null;
            for (int i = 0; i < names.size(); i++) {
                String value = row.cells.get(i).trim();
                String name = names.get(i);
                if (i == kindCol || i == idCol || value.isEmpty()) {
                    continue;
                }
                if (name.equals("placement")) {
                    placement = value;
                } else if (name.startsWith("option.")) {
                    options.put(header.cells.get(i).trim().substring("option.".length()), value);
                } else {
                    labels.put(header.cells.get(i).trim(), value);
                }
            }
            Asset asset;
            try {
                asset = new Asset(kind, id, labels);
            } catch (CanaryConfigurationException e) {
                throw new CanaryConfigurationException("inventory " + file + " line " + row.line + ": " + e.getMessage());
            }
            if (!seen.add(asset.ref())) {
                throw new CanaryConfigurationException("inventory " + file + " line " + row.line + ": asset "
                        + asset.ref() + " appears twice");
            }
            out.add(new InventoryEntry(asset, placement, options));
        }
        return List.copyOf(out);
    }

    private List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean cellStarted = false;
        int line = 1;
        int rowLine = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"') {
                if (cell.toString().trim().length() > 0) {
                    throw new CanaryConfigurationException("inventory " + file + " line " + line
                            + ": a quote may only open a cell");
                }
                cell.setLength(0);
                quoted = true;
                cellStarted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                cellStarted = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                endRow(rows, cells, cell, cellStarted, rowLine);
                cells = new ArrayList<>();
                cell.setLength(0);
                cellStarted = false;
                line++;
                rowLine = line;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new CanaryConfigurationException("inventory " + file + " line " + rowLine + ": a quoted cell is never closed");
        }
        endRow(rows, cells, cell, cellStarted, rowLine);
        return rows;
    }

    private static void endRow(List<Row> rows, List<String> cells, StringBuilder cell, boolean started, int line) {
        String last = cell.toString();
        if (!started && last.isBlank()) {
            return; // blank line
        }
        cells.add(last);
        if (cells.size() == 1 && cells.get(0).trim().startsWith("#")) {
            return; // comment
        }
        rows.add(new Row(line, List.copyOf(cells)));
    }

    private record Row(int line, List<String> cells) {
    }

    @Override
    public String toString() {
        return "CsvAssetSource[" + file + "]";
    }
}
