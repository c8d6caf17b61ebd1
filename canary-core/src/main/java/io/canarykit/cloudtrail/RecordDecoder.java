package io.canarykit.cloudtrail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Decodes a record the fast path holds, straight from its bytes, when it carries a watched access key id or ARN: the
 * common case of a record that may be wanted, without reading it again with the state machine and then with Jackson.
 * It takes only what it can decode exactly as the general reader would (compact ASCII JSON, every field detection
 * reads of the type it expects, no field given twice, no key of another shape) and gives up on anything else, which
 * the fast path then checks and hands to Jackson as before: it decides nothing the general reader would decide
 * differently, it only gets there sooner.
 *
 * <p>It walks the record like {@link FastS3Scanner#quickRecord}, with the same checks of the JSON grammar (the buffer's
 * sentinel ends every run of string bytes), and remembers where the values of the fields it reads are.
 *
 * <p>Not thread-safe; one instance per scanner.
 */
final class RecordDecoder {
    // the fields, by where they are
    private static final int EVENT_ID = 0;
    private static final int EVENT_TIME = 1;
    private static final int EVENT_SOURCE = 2;
    private static final int EVENT_NAME = 3;
    private static final int AWS_REGION = 4;
    private static final int SOURCE_IP = 5;
    private static final int USER_AGENT = 6;
    private static final int ERROR_CODE = 7;
    private static final int ERROR_MESSAGE = 8;
    private static final int REQUEST_ID = 9;
    private static final int EVENT_TYPE = 10;
    private static final int READ_ONLY = 11;
    private static final int RECIPIENT = 12;
    private static final int USER_IDENTITY = 13;
    private static final int UI_TYPE = 14;
    private static final int UI_PRINCIPAL_ID = 15;
    private static final int UI_ARN = 16;
    private static final int UI_ACCOUNT_ID = 17;
    private static final int UI_ACCESS_KEY_ID = 18;
    private static final int UI_USER_NAME = 19;
    private static final int UI_INVOKED_BY = 20;
    private static final int UI_SESSION_CONTEXT = 21;
    private static final int SC_SESSION_ISSUER = 22;
    private static final int SC_ATTRIBUTES = 23;
    private static final int SI_TYPE = 24;
    private static final int SI_PRINCIPAL_ID = 25;
    private static final int SI_ARN = 26;
    private static final int SI_ACCOUNT_ID = 27;
    private static final int SI_USER_NAME = 28;
    private static final int CREATION_DATE = 29;
    private static final int REQUEST_PARAMETERS = 30;
    private static final int RP_USER_NAME = 31;
    private static final int RP_POLICY_ARN = 32;
    private static final int RP_POLICY_NAME = 33;
    private static final int FIELDS = 34;
    /** A key of another shape at the record's level (an envelope, a LookupEvents item, a container): give up. */
    private static final int OTHER_SHAPE = -2;
    private static final int NONE = -1;

    // where an object of interest is: the record, its userIdentity, sessionContext, sessionIssuer, attributes
    private static final int IN_OTHER = 0;
    private static final int IN_RECORD = 1;
    private static final int IN_IDENTITY = 2;
    private static final int IN_CONTEXT = 3;
    private static final int IN_ISSUER = 4;
    private static final int IN_ATTRIBUTES = 5;
    private static final int IN_PARAMETERS = 6;

    // what a value was
    private static final byte ABSENT = 0;
    private static final byte STRING = 1;
    private static final byte ESCAPED = 2;
    private static final byte NULL = 3;
    private static final byte TRUE = 4;
    private static final byte FALSE = 5;
    private static final byte OBJECT = 6;

    private static final byte[][] RECORD_NAMES = names("eventID", "eventTime", "eventSource", "eventName", "awsRegion",
            "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventType", "readOnly",
            "recipientAccountId", "userIdentity");
    private static final byte[] REQUEST_PARAMETERS_NAME = "requestParameters".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] PARAMETER_NAMES = names("userName", "policyArn", "policyName");
    private static final byte[][] OTHER_SHAPE_NAMES = names("Records", "Events", "detail", "detail-type",
            "CloudTrailEvent", "EventId", "EventTime", "EventName", "EventSource", "AccessKeyId", "Username", "time",
            "region", "account", "version", "id", "source");
    private static final byte[][] IDENTITY_NAMES = names("type", "principalId", "arn", "accountId", "accessKeyId",
            "userName", "invokedBy", "sessionContext");
    private static final byte[][] CONTEXT_NAMES = names("sessionIssuer", "attributes");
    private static final byte[][] ISSUER_NAMES = names("type", "principalId", "arn", "accountId", "userName");
    private static final byte[] CREATION_DATE_NAME = "creationDate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARN = "arn".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCESS_KEY_ID = "accessKeyId".getBytes(StandardCharsets.US_ASCII);
    private static final int DEPTH = 62;

    private final RecordFilter filter;
    private final int[] starts = new int[FIELDS];
    private final int[] ends = new int[FIELDS];
    private final byte[] kinds = new byte[FIELDS];
    private final int[] in = new int[6]; // the object of interest at each of the first five depths
    private final byte[][] lastBytes = new byte[FIELDS][];
    private final String[] lastText = new String[FIELDS];
    private @Nullable CloudTrailRecord record;

    RecordDecoder(RecordFilter filter) {
        this.filter = filter;
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** The filter it decodes for. */
    RecordFilter filter() {
        return filter;
    }

    /** After {@link #decode} succeeded: the record if the filter wants it, else null (a valid record nobody wants). */
    @Nullable CloudTrailRecord record() {
        return record;
    }

    /**
     * Decodes the record that starts at {@code b[start] == '{'}: the index after its closing brace, or
     * {@link FastS3Scanner#BAIL} for anything it does not take (including a record with no watched value, which it
     * leaves to the fast path's own check). {@code b} ends with the fast path's sentinel.
     */
    int decode(byte[] b, int start, int limit) {
        java.util.Arrays.fill(kinds, ABSENT);
        record = null;
        int i = start + 1;
        int depth = 1;
        long objects = 2L;
        int[] in = this.in;
        in[1] = IN_RECORD;
        boolean recordish = false;
        boolean watched = false;
        member:
        while (true) {
            if (b[i] != '"') {
                return FastS3Scanner.BAIL; // also an empty object
            }
            int ks = i + 1;
            int j = FastS3Scanner.plainRun(b, ks, limit);
            if (b[j] != '"') {
                return FastS3Scanner.BAIL;
            }
            int where = depth <= 5 ? in[depth] : IN_OTHER;
            int field = field(b, ks, j - ks, where);
            if (field == OTHER_SHAPE) {
                return FastS3Scanner.BAIL;
            }
            if (field != NONE && kinds[field] != ABSENT) {
                return FastS3Scanner.BAIL; // given twice: the general reader decides
            }
            if (where == IN_RECORD && (field <= EVENT_NAME || field == USER_IDENTITY)) {
                recordish = true;
            }
            int watch = watchedName(b, ks, j - ks); // 1: an access key id, 2: an ARN, 0: neither
            i = j + 1;
            if (b[i] != ':') {
                return FastS3Scanner.BAIL;
            }
            i++;
            value:
            while (true) {
                byte c = b[i];
                if (c == '"') {
                    int vs = i + 1;
                    j = FastS3Scanner.plainRun(b, vs, limit);
                    boolean plain = true;
                    while (b[j] != '"') {
                        if (b[j] != '\\') {
                            return FastS3Scanner.BAIL; // a control or non-ASCII byte, or the end of the buffer
                        }
                        j = FastS3Scanner.quickEscape(b, j);
                        if (j < 0) {
                            return FastS3Scanner.BAIL;
                        }
                        plain = false;
                        j = FastS3Scanner.plainRun(b, j, limit);
                    }
                    if (watch != 0) {
                        if (!plain) {
                            return FastS3Scanner.BAIL;
                        }
                        if (watch == 1 ? filter.isKey(b, vs, j) : filter.isArn(b, vs, j)) {
                            watched = true;
                        }
                        watch = 0;
                    }
                    if (field >= 0) {
                        if (field == USER_IDENTITY || field == UI_SESSION_CONTEXT || field == SC_SESSION_ISSUER
                                || field == SC_ATTRIBUTES || field == READ_ONLY || field == REQUEST_PARAMETERS) {
                            return FastS3Scanner.BAIL; // a string where an object or a boolean belongs
                        }
                        if (field == RP_USER_NAME && (!plain || filter.isUserName(b, vs, j))) {
                            watched = true; // an escaped name is decided on the string
                        }
                        starts[field] = vs;
                        ends[field] = j;
                        kinds[field] = plain ? STRING : ESCAPED;
                        field = NONE;
                    }
                    i = j + 1;
                } else if (c == '{') {
                    int inner = IN_OTHER;
                    if (field >= 0) {
                        if (field == USER_IDENTITY) {
                            inner = IN_IDENTITY;
                        } else if (field == UI_SESSION_CONTEXT) {
                            inner = IN_CONTEXT;
                        } else if (field == SC_SESSION_ISSUER) {
                            inner = IN_ISSUER;
                        } else if (field == SC_ATTRIBUTES) {
                            inner = IN_ATTRIBUTES;
                        } else if (field == REQUEST_PARAMETERS) {
                            inner = IN_PARAMETERS;
                        } else {
                            return FastS3Scanner.BAIL; // an object where a string belongs
                        }
                        kinds[field] = OBJECT;
                        field = NONE;
                    }
                    if (watch != 0 || depth == DEPTH) {
                        return FastS3Scanner.BAIL;
                    }
                    i++;
                    if (b[i] == '}') {
                        i++; // {}: an empty userIdentity or sessionIssuer is read as one with nothing set
                    } else {
                        depth++;
                        objects |= 1L << depth;
                        if (depth <= 5) {
                            in[depth] = inner;
                        }
                        continue member;
                    }
                } else if (c == '[') {
                    if (field >= 0 || watch != 0 || depth == DEPTH) {
                        return FastS3Scanner.BAIL;
                    }
                    i++;
                    if (b[i] == ']') {
                        i++;
                    } else {
                        depth++;
                        objects &= ~(1L << depth);
                        if (depth <= 5) {
                            in[depth] = IN_OTHER;
                        }
                        continue value;
                    }
                } else if (c == 'n') {
                    if (b[i + 1] != 'u' || b[i + 2] != 'l' || b[i + 3] != 'l') {
                        return FastS3Scanner.BAIL;
                    }
                    i += 4;
                    watch = 0;
                    if (field >= 0) {
                        kinds[field] = NULL; // a null object of interest is read as if absent
                        field = NONE;
                    }
                } else if (c == 't' || c == 'f') {
                    if (c == 't' ? b[i + 1] != 'r' || b[i + 2] != 'u' || b[i + 3] != 'e'
                            : b[i + 1] != 'a' || b[i + 2] != 'l' || b[i + 3] != 's' || b[i + 4] != 'e') {
                        return FastS3Scanner.BAIL;
                    }
                    if (field >= 0 && field != READ_ONLY || watch != 0) {
                        return FastS3Scanner.BAIL; // a boolean where a string belongs: read as its text, rarely seen
                    }
                    if (field == READ_ONLY) {
                        kinds[field] = c == 't' ? TRUE : FALSE;
                        field = NONE;
                    }
                    i += c == 't' ? 4 : 5;
                } else {
                    if (field >= 0 || watch != 0) {
                        return FastS3Scanner.BAIL; // a number where a string belongs
                    }
                    i = FastS3Scanner.quickNumber(b, i);
                    if (i < 0) {
                        return FastS3Scanner.BAIL;
                    }
                }
                // after a value: a comma, or the end of one or more containers
                while (true) {
                    byte d = b[i];
                    boolean inObject = (objects & (1L << depth)) != 0;
                    if (d == ',') {
                        i++;
                        if (inObject) {
                            continue member;
                        }
                        field = NONE;
                        watch = 0;
                        continue value;
                    }
                    if (d != (inObject ? '}' : ']')) {
                        return FastS3Scanner.BAIL;
                    }
                    i++;
                    depth--;
                    if (depth == 0) {
                        if (!recordish || !watched) {
                            return FastS3Scanner.BAIL;
                        }
                        build(b);
                        return i;
                    }
                }
            }
        }
    }

    /** 1 if the key {@code b[at, at+len)} holds an access key id the fast path watches, 2 an ARN, else 0. */
    private static int watchedName(byte[] b, int at, int len) {
        if (len == 3 && equals(b, at, len, ARN)) {
            return 2;
        }
        if (len == 11 && equals(b, at, len, ACCESS_KEY_ID)) {
            return 1;
        }
        return 0;
    }

    /** The field the key {@code b[at, at+len)} is in the object {@code where}, {@link #NONE} or {@link #OTHER_SHAPE}. */
    private static int field(byte[] b, int at, int len, int where) {
        if (where == IN_OTHER || (where == IN_RECORD || where == IN_IDENTITY || where == IN_ISSUER)
                && FastS3Scanner.classify(b, at, len) == 0) {
            return NONE; // none of the names the fast path tells apart (a superset of these): most keys, at once
        }
        switch (where) {
            case IN_RECORD:
                for (int f = 0; f < RECORD_NAMES.length; f++) {
                    if (equals(b, at, len, RECORD_NAMES[f])) {
                        return f;
                    }
                }
                for (byte[] n : OTHER_SHAPE_NAMES) {
                    if (equals(b, at, len, n)) {
                        return OTHER_SHAPE;
                    }
                }
                return equals(b, at, len, REQUEST_PARAMETERS_NAME) ? REQUEST_PARAMETERS : NONE;
            case IN_PARAMETERS:
                for (int f = 0; f < PARAMETER_NAMES.length; f++) {
                    if (equals(b, at, len, PARAMETER_NAMES[f])) {
                        return RP_USER_NAME + f;
                    }
                }
                return NONE;
            case IN_IDENTITY:
                for (int f = 0; f < IDENTITY_NAMES.length; f++) {
                    if (equals(b, at, len, IDENTITY_NAMES[f])) {
                        return UI_TYPE + f;
                    }
                }
                return NONE;
            case IN_CONTEXT:
                for (int f = 0; f < CONTEXT_NAMES.length; f++) {
                    if (equals(b, at, len, CONTEXT_NAMES[f])) {
                        return SC_SESSION_ISSUER + f;
                    }
                }
                return NONE;
            case IN_ISSUER:
                for (int f = 0; f < ISSUER_NAMES.length; f++) {
                    if (equals(b, at, len, ISSUER_NAMES[f])) {
                        return SI_TYPE + f;
                    }
                }
                return NONE;
            case IN_ATTRIBUTES:
                return equals(b, at, len, CREATION_DATE_NAME) ? CREATION_DATE : NONE;
            default:
                return NONE;
        }
    }

    private static boolean equals(byte[] b, int at, int len, byte[] name) {
        if (len != name.length) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (b[at + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    /** The record, made only if the filter wants it (the general reader's {@link RecordFilter#test}, on bytes). */
    private void build(byte[] b) {
        boolean identity = kinds[USER_IDENTITY] == OBJECT;
        boolean parameters = kinds[REQUEST_PARAMETERS] == OBJECT;
        boolean wanted;
        boolean escaped = identity && (kinds[UI_ACCESS_KEY_ID] == ESCAPED || kinds[UI_ARN] == ESCAPED
                || kinds[SI_ARN] == ESCAPED) || parameters && kinds[RP_USER_NAME] == ESCAPED;
        if (escaped) {
            wanted = true; // decided below on the strings
        } else {
            wanted = identity && (kinds[UI_ACCESS_KEY_ID] == STRING && ends[UI_ACCESS_KEY_ID] > starts[UI_ACCESS_KEY_ID]
                    && filter.isKey(b, starts[UI_ACCESS_KEY_ID], ends[UI_ACCESS_KEY_ID])
                    || kinds[UI_ARN] == STRING && filter.isArn(b, starts[UI_ARN], ends[UI_ARN])
                    || kinds[SC_SESSION_ISSUER] == OBJECT && kinds[SI_ARN] == STRING
                    && filter.isArn(b, starts[SI_ARN], ends[SI_ARN]))
                    || parameters && kinds[RP_USER_NAME] == STRING
                    && filter.isUserName(b, starts[RP_USER_NAME], ends[RP_USER_NAME]);
        }
        if (!wanted) {
            return;
        }
        RequestParameters rp = null;
        if (parameters) {
            RequestParameters p = new RequestParameters(text(b, RP_USER_NAME), text(b, RP_POLICY_ARN),
                    text(b, RP_POLICY_NAME));
            rp = p.isEmpty() ? null : p;
        }
        SessionIssuer issuer = null;
        if (kinds[UI_SESSION_CONTEXT] == OBJECT && kinds[SC_SESSION_ISSUER] == OBJECT) {
            SessionIssuer si = new SessionIssuer(text(b, SI_TYPE), text(b, SI_PRINCIPAL_ID), text(b, SI_ARN),
                    text(b, SI_ACCOUNT_ID), text(b, SI_USER_NAME));
            issuer = si.isEmpty() ? null : si;
        }
        Instant created = kinds[UI_SESSION_CONTEXT] == OBJECT && kinds[SC_ATTRIBUTES] == OBJECT
                ? CloudTrailTimes.parse(text(b, CREATION_DATE)) : null;
        String key = identity ? text(b, UI_ACCESS_KEY_ID) : null;
        UserIdentity ui = !identity ? null : new UserIdentity(text(b, UI_TYPE), text(b, UI_PRINCIPAL_ID),
                text(b, UI_ARN), text(b, UI_ACCOUNT_ID), key == null || key.isEmpty() ? null : key,
                text(b, UI_USER_NAME), text(b, UI_INVOKED_BY), issuer, created);
        Boolean readOnly = kinds[READ_ONLY] == TRUE ? Boolean.TRUE : kinds[READ_ONLY] == FALSE ? Boolean.FALSE : null;
        CloudTrailRecord r = new CloudTrailRecord(text(b, EVENT_ID), CloudTrailTimes.parse(text(b, EVENT_TIME)),
                text(b, EVENT_SOURCE), text(b, EVENT_NAME), text(b, AWS_REGION), text(b, SOURCE_IP),
                text(b, USER_AGENT), text(b, ERROR_CODE), text(b, ERROR_MESSAGE), text(b, REQUEST_ID),
                text(b, EVENT_TYPE), readOnly, text(b, RECIPIENT), ui, rp);
        record = !escaped || filter.test(r) ? r : null;
    }

    /**
     * The string value of {@code field}, or null if it was absent or null. The records of one caller repeat most
     * values (the user agent, the region, the identity): the last value of each field is kept, and given again
     * when the bytes are the same. Not for the values that differ in every record (event id, request id, event
     * time): keeping them would only copy their bytes once more.
     */
    private @Nullable String text(byte[] b, int field) {
        byte k = kinds[field];
        if (k == STRING) {
            int from = starts[field];
            int len = ends[field] - from;
            if (field == EVENT_ID || field == REQUEST_ID || field == EVENT_TIME) {
                return new String(b, from, len, StandardCharsets.ISO_8859_1);
            }
            byte[] last = lastBytes[field];
            if (last != null && last.length == len && java.util.Arrays.equals(last, 0, len, b, from, from + len)) {
                return lastText[field];
            }
            String v = new String(b, from, len, StandardCharsets.ISO_8859_1);
            if (len <= 256) {
                lastBytes[field] = java.util.Arrays.copyOfRange(b, from, from + len);
                lastText[field] = v;
            }
            return v;
        }
        if (k == ESCAPED) {
            return unescape(b, starts[field], ends[field]);
        }
        return null;
    }

    /** A string with escapes, decoded as JSON does (the escapes were checked by the walk). */
    private static String unescape(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = (char) (b[i] & 0xff);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = (char) b[++i];
            switch (e) {
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    sb.append((char) Integer.parseInt(new String(b, i + 1, 4, StandardCharsets.ISO_8859_1), 16));
                    i += 4;
                    break;
                default: sb.append(e); break; // " \ /
            }
        }
        return sb.toString();
    }
}
