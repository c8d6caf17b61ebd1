package io.canarykit.testkit.aws;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * S3 over REST-XML, path-style: ListBuckets, and the trail bucket read the way a CloudTrail-S3 detector reads it
 * (ListObjectsV2 with prefix, delimiter, start-after and continuation tokens; GetObject; HeadObject; HeadBucket;
 * GetBucketLocation).
 */
final class S3Api {
    private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Engine engine;

    S3Api(Engine engine) {
        this.engine = engine;
    }

    /** The S3 operation a path-style request names. */
    static String operationOf(AwsRequest r) {
        String path = r.rawPath.isEmpty() ? "/" : r.rawPath;
        int slash = path.indexOf('/', 1);
        boolean bucketOnly = slash < 0 || slash == path.length() - 1;
        if (path.equals("/")) {
            return "GET".equals(r.method) ? "ListBuckets" : "Unknown";
        }
        if (bucketOnly) {
            return switch (r.method) {
                case "GET" -> r.hasQuery("list-type") ? "ListObjectsV2"
                        : r.hasQuery("location") ? "GetBucketLocation"
                        : r.hasQuery("versions") ? "ListObjectVersions"
                        : r.hasQuery("policy") ? "GetBucketPolicy"
                        : r.hasQuery("acl") ? "GetBucketAcl"
                        : "ListObjects";
                case "HEAD" -> "HeadBucket";
                case "PUT" -> "CreateBucket";
                case "DELETE" -> "DeleteBucket";
                case "POST" -> r.hasQuery("delete") ? "DeleteObjects" : "Unknown";
                default -> "Unknown";
            };
        }
        return switch (r.method) {
            case "GET" -> r.hasQuery("acl") ? "GetObjectAcl" : "GetObject";
            case "HEAD" -> "HeadObject";
            case "PUT" -> r.header("x-amz-copy-source") != null ? "CopyObject" : "PutObject";
            case "DELETE" -> "DeleteObject";
            default -> "Unknown";
        };
    }

    private static String action(String op) {
        return switch (op) {
            case "ListBuckets" -> "s3:ListAllMyBuckets";
            case "ListObjects", "ListObjectsV2", "HeadBucket" -> "s3:ListBucket";
            case "ListObjectVersions" -> "s3:ListBucketVersions";
            case "GetObject", "HeadObject" -> "s3:GetObject";
            case "DeleteObjects" -> "s3:DeleteObject";
            case "CopyObject" -> "s3:PutObject";
            default -> "s3:" + op;
        };
    }

    Reply handle(Call c) {
        String op = c.op();
        String path = c.req.rawPath;
        int slash = path.indexOf('/', 1);
        String bucket = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String key = slash < 0 || slash == path.length() - 1 ? null
                : AwsRequest.percentDecode(path.substring(slash + 1), false);
        String resource = op.equals("ListBuckets") ? "*"
                : key == null ? "arn:aws:s3:::" + bucket : "arn:aws:s3:::" + bucket + "/" + key;
        c.authorize(action(op), resource);
        Reply r = switch (op) {
            case "ListBuckets" -> listBuckets(c);
            case "ListObjectsV2" -> listObjectsV2(c, ownBucket(c, bucket));
            case "ListObjects" -> listObjectsV1(c, ownBucket(c, bucket));
            case "GetObject" -> getObject(c, ownBucket(c, bucket), objectKey(key), true);
            case "HeadObject" -> getObject(c, ownBucket(c, bucket), objectKey(key), false);
            case "HeadBucket" -> {
                ownBucket(c, bucket);
                yield s3(c, "").header("x-amz-bucket-region", "us-east-1");
            }
            case "GetBucketLocation" -> {
                ownBucket(c, bucket);
                yield s3(c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" + NS + "\"/>");
            }
            default -> throw new ApiError("NotImplemented", 501,
                    "A header you provided implies functionality that is not implemented");
        };
        return r;
    }

    private Reply s3(Call c, String xml) {
        return new Reply().body(xml).header("Content-Type", "application/xml").header("x-amz-request-id", c.requestId)
                .header("x-amz-id-2", Base64.getEncoder().encodeToString(c.requestId.getBytes(StandardCharsets.UTF_8)));
    }

    private Trail ownBucket(Call c, String bucket) {
        Trail t = engine.trail;
        if (!t.bucket.equals(bucket)) {
            throw new ApiError("NoSuchBucket", 404, "The specified bucket does not exist");
        }
        if (!c.accountId().equals(engine.settings.managementAccount())) {
            throw engine.denied(c, "s3:" + (c.op().startsWith("List") ? "ListBucket" : "GetObject"),
                    "arn:aws:s3:::" + bucket, new Authorizer.Decision(Authorizer.Outcome.IMPLICIT_DENY,
                            Authorizer.PolicyKind.RESOURCE, null));
        }
        return t;
    }

    private Reply listBuckets(Call c) {
        Xml x = new Xml().raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"" + NS + "\">")
                .open("Owner").el("ID", canonicalId(c.accountId())).el("DisplayName", "owner-" + c.accountId())
                .close("Owner").open("Buckets");
        if (c.accountId().equals(engine.settings.managementAccount())) {
            x.open("Bucket").el("Name", engine.trail.bucket).el("CreationDate", engine.trail.bucketCreated)
                    .close("Bucket");
        }
        x.close("Buckets").close("ListAllMyBucketsResult");
        return s3(c, x.toString());
    }

    private static String canonicalId(String account) {
        return SigV4.sha256Hex(account.getBytes(StandardCharsets.UTF_8));
    }

    private Reply listObjectsV2(Call c, Trail t) {
        AwsRequest r = c.req;
        String prefix = nz(r.query("prefix"));
        String delimiter = r.query("delimiter");
        String startAfter = r.query("start-after");
        String token = r.query("continuation-token");
        boolean urlEncoding = "url".equals(r.query("encoding-type"));
        int maxKeys = maxKeys(r);
        String after = startAfter;
        if (token != null) {
            try {
                after = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiError("InvalidArgument", 400, "The continuation token provided is incorrect");
            }
        }
        Listing l = list(t, prefix, delimiter, after, maxKeys);
        Xml x = new Xml().raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"" + NS + "\">")
                .el("Name", t.bucket).el("Prefix", enc(prefix, urlEncoding));
        if (startAfter != null) {
            x.el("StartAfter", enc(startAfter, urlEncoding));
        }
        if (token != null) {
            x.el("ContinuationToken", token);
        }
        x.el("KeyCount", l.objects.size() + l.prefixes.size()).el("MaxKeys", maxKeys);
        if (delimiter != null) {
            x.el("Delimiter", enc(delimiter, urlEncoding));
        }
        if (urlEncoding) {
            x.el("EncodingType", "url");
        }
        x.el("IsTruncated", l.truncated);
        String next = l.lastKey;
        if (l.truncated && next != null) { // a truncated page took at least one key
            x.el("NextContinuationToken", Base64.getEncoder().encodeToString(next.getBytes(StandardCharsets.UTF_8)));
        }
        contents(x, l, urlEncoding);
        return s3(c, x.close("ListBucketResult").toString());
    }

    private Reply listObjectsV1(Call c, Trail t) {
        AwsRequest r = c.req;
        String prefix = nz(r.query("prefix"));
        String delimiter = r.query("delimiter");
        String marker = r.query("marker");
        boolean urlEncoding = "url".equals(r.query("encoding-type"));
        int maxKeys = maxKeys(r);
        Listing l = list(t, prefix, delimiter, marker, maxKeys);
        Xml x = new Xml().raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"" + NS + "\">")
                .el("Name", t.bucket).el("Prefix", enc(prefix, urlEncoding)).el("Marker", enc(nz(marker), urlEncoding))
                .el("MaxKeys", maxKeys);
        if (delimiter != null) {
            x.el("Delimiter", enc(delimiter, urlEncoding));
        }
        if (urlEncoding) {
            x.el("EncodingType", "url");
        }
        x.el("IsTruncated", l.truncated);
        String next = l.lastKey;
        if (l.truncated && next != null) { // a truncated page took at least one key
            x.el("NextMarker", enc(next, urlEncoding));
        }
        contents(x, l, urlEncoding);
        return s3(c, x.close("ListBucketResult").toString());
    }

    private static int maxKeys(AwsRequest r) {
        String v = r.query("max-keys");
        try {
            int n = v == null ? 1000 : Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, 1000);
        } catch (NumberFormatException e) {
            throw new ApiError("InvalidArgument", 400, "Provided max-keys not an integer or within integer range");
        }
    }

    private static void contents(Xml x, Listing l, boolean urlEncoding) {
        for (Trail.StoredObject o : l.objects) {
            x.open("Contents").el("Key", enc(o.key(), urlEncoding)).el("LastModified", millis(o))
                    .el("ETag", "\"" + o.etag() + "\"").el("Size", o.content().length)
                    .el("StorageClass", "STANDARD").close("Contents");
        }
        for (String p : l.prefixes) {
            x.open("CommonPrefixes").el("Prefix", enc(p, urlEncoding)).close("CommonPrefixes");
        }
    }

    private static String millis(Trail.StoredObject o) {
        String s = Xml.time(o.lastModified());
        return s.substring(0, s.length() - 1) + ".000Z";
    }

    /** A page of a listing; {@code lastKey} is where the next page starts, null when the page took nothing. */
    private record Listing(List<Trail.StoredObject> objects, TreeSet<String> prefixes, boolean truncated,
                           @Nullable String lastKey) {
    }

    private static Listing list(Trail t, String prefix, @Nullable String delimiter, @Nullable String after,
                                int maxKeys) {
        if (maxKeys == 0) {
            // as AWS answers it: an empty page that is not truncated (so it has no token or marker to go on from)
            return new Listing(List.of(), new TreeSet<>(), false, null);
        }
        List<Trail.StoredObject> objects = new ArrayList<>();
        TreeSet<String> prefixes = new TreeSet<>();
        boolean truncated = false;
        String lastKey = null;
        Map<String, Trail.StoredObject> tail = after == null ? t.objects : t.objects.tailMap(after, false);
        for (Trail.StoredObject o : tail.values()) {
            String key = o.key();
            if (!key.startsWith(prefix)) {
                if (key.compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            String common = null;
            if (delimiter != null && !delimiter.isEmpty()) {
                int d = key.indexOf(delimiter, prefix.length());
                if (d >= 0) {
                    common = key.substring(0, d + delimiter.length());
                }
            }
            if (common != null && prefixes.contains(common)) {
                continue;
            }
            if (objects.size() + prefixes.size() == maxKeys) {
                truncated = true;
                break;
            }
            if (common != null) {
                prefixes.add(common);
                lastKey = common + "\uffff";
            } else {
                objects.add(o);
                lastKey = key;
            }
        }
        return new Listing(objects, prefixes, truncated, lastKey);
    }

    private Reply getObject(Call c, Trail t, String key, boolean body) {
        Trail.StoredObject o = t.objects.get(key);
        if (o == null) {
            if (!body) {
                Reply r = new Reply().header("x-amz-request-id", c.requestId);
                r.status = 404;
                r.errorCode = "NoSuchKey";
                r.errorMessage = "Not Found";
                return r;
            }
            throw new ApiError("NoSuchKey", 404, "The specified key does not exist.");
        }
        Reply r = new Reply().header("Content-Type", "application/x-gzip").header("ETag", "\"" + o.etag() + "\"")
                .header("Last-Modified", HTTP_DATE.format(o.lastModified()))
                .header("Content-Length", Integer.toString(o.content().length))
                .header("Accept-Ranges", "bytes").header("x-amz-request-id", c.requestId);
        if (body) {
            r.body = o.content();
        }
        return r;
    }

    /** The object key of an object operation (the operation is an object one only when the path has a key). */
    private static String objectKey(@Nullable String key) {
        if (key == null) {
            throw new ApiError("InvalidRequest", 400, "An object operation needs an object key in the path");
        }
        return key;
    }

    private static String nz(@Nullable String s) {
        return s == null ? "" : s;
    }

    private static String enc(String s, boolean url) {
        return url ? SigV4.encode(s, true) : s;
    }
}
