package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.config.CanaryConfig;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Known noise: sightings that meet every condition of a rule (event names, source address ranges, user-agent
 * fragments) are not alerted one by one, but they are still stored, counted and listed in the periodic digest sent
 * to the configured sinks ({@link SuppressionDigest}): nothing disappears. A canary whose sightings are all
 * suppressed is not moved to {@code TRIGGERED} (so no response policy revokes it).
 *
 * <pre>{@code
 * canary.alert.suppress.vuln-scanner.source-cidr=198.51.100.0/24,2001:db8::/32
 * canary.alert.suppress.vuln-scanner.user-agent=internal-scanner/
 * canary.alert.suppress.vuln-scanner.reason=our weekly credential scanner
 * canary.alert.digest.interval=1d
 * }</pre>
 *
 * @param name       the rule's name
 * @param eventNames calls that match (any), or empty for all
 * @param cidrs      source address ranges that match (any), or empty for all; a source that is not an address (a
 *                   service name) matches no range
 * @param userAgents user-agent fragments that match (any, case-insensitive), or empty for all
 * @param reason     why it is noise, shown in the digest
 *
 * @since 0.1.0
 */
public record SuppressionRule(String name, Set<String> eventNames, List<String> cidrs, List<String> userAgents,
                              String reason) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public SuppressionRule {
        Objects.requireNonNull(name, "name");
        eventNames = Set.copyOf(eventNames);
        cidrs = List.copyOf(cidrs);
        userAgents = List.copyOf(userAgents);
        reason = reason == null ? "" : reason;
        if (eventNames.isEmpty() && cidrs.isEmpty() && userAgents.isEmpty()) {
            throw new CanaryConfigurationException("suppression rule '" + name + "' has no condition and would hold every"
                    + " sighting back: give it event-name, source-cidr or user-agent");
        }
        for (String c : cidrs) {
            range(c); // fails on a malformed range
        }
    }

    /** True if the sighting meets every condition. Exposure notices and self-use are never suppressed. */
    public boolean matches(Sighting s) {
        if (s.kind() == SightingKind.SELF_USE || s.kind() == SightingKind.EXPOSURE_NOTICE) {
            return false;
        }
        if (!eventNames.isEmpty() && (s.call() == null || !eventNames.contains(s.call()))) {
            return false;
        }
        if (!cidrs.isEmpty() && (s.sourceIp() == null || cidrs.stream().noneMatch(c -> inRange(s.sourceIp(), c)))) {
            return false;
        }
        if (!userAgents.isEmpty()) {
            String agent = s.userAgent() == null ? "" : s.userAgent().toLowerCase(Locale.ROOT);
            return userAgents.stream().anyMatch(u -> agent.contains(u.toLowerCase(Locale.ROOT)));
        }
        return true;
    }

    /** The first rule that matches, or {@code null}. */
    public static @Nullable SuppressionRule first(List<SuppressionRule> rules, Sighting s) {
        for (SuppressionRule r : rules) {
            if (r.matches(s)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The rules {@code canary.alert.suppress.<name>.*} define ({@code event-name}, {@code source-cidr},
     * {@code user-agent}: comma-separated; {@code reason}).
     *
     * @throws CanaryConfigurationException for an unknown key, a malformed range or a rule without condition
     */
    public static List<SuppressionRule> fromConfig(CanaryConfig config) {
        String prefix = "canary.alert.suppress.";
        Set<String> names = new TreeSet<>();
        for (String key : config.keys()) {
            if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) > 0) {
                names.add(key.substring(prefix.length(), key.indexOf('.', prefix.length())));
                String option = key.substring(key.indexOf('.', prefix.length()) + 1);
                if (!Set.of("event-name", "source-cidr", "user-agent", "reason").contains(option)) {
                    throw new CanaryConfigurationException("unknown key " + key + ": a suppression rule takes"
                            + " event-name, source-cidr, user-agent and reason");
                }
            }
        }
        List<SuppressionRule> out = new ArrayList<>();
        for (String n : names) {
            String p = prefix + n + ".";
            out.add(new SuppressionRule(n, Set.copyOf(config.getList(p + "event-name")), config.getList(p + "source-cidr"),
                    config.getList(p + "user-agent"), config.getString(p + "reason", "")));
        }
        return out;
    }

    private static boolean inRange(String ip, String cidr) {
        if (!IPV4.matcher(ip).matches() && !IPV6.matcher(ip).matches()) {
            return false; // a service name such as ec2.amazonaws.com: never looked up
        }
        try {
            byte[] address = InetAddress.getByName(ip).getAddress(); // a literal: no lookup
            Range r = range(cidr);
            if (address.length != r.base.length) {
                return false;
            }
            BigInteger a = new BigInteger(1, address).shiftRight(address.length * 8 - r.bits);
            BigInteger b = new BigInteger(1, r.base).shiftRight(r.base.length * 8 - r.bits);
            return a.equals(b);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private record Range(byte[] base, int bits) {
    }

    private static Range range(String cidr) {
        int slash = cidr.indexOf('/');
        String ip = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!IPV4.matcher(ip).matches() && !IPV6.matcher(ip).matches()) {
            throw new CanaryConfigurationException("source-cidr '" + cidr + "' is not an address range such as"
                    + " 198.51.100.0/24 or 2001:db8::/32");
        }
        try {
            byte[] base = InetAddress.getByName(ip).getAddress();
            int bits = slash < 0 ? base.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (bits < 0 || bits > base.length * 8) {
                throw new NumberFormatException();
            }
            return new Range(base, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new CanaryConfigurationException("source-cidr '" + cidr + "' is not an address range such as"
                    + " 198.51.100.0/24 or 2001:db8::/32");
        }
    }
}
