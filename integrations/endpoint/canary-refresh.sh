#!/bin/sh
# canary-refresh.sh: plants and rotates this device's canary AWS credential for its users, on behalf of canarykit's
# issuance API. Run as root by MDM at install and on a schedule (LaunchDaemon, systemd timer); POSIX sh, needs only
# curl (and openssl to convert a PKCS#12 device identity) besides POSIX utilities.
#
#   canary-refresh.sh [--config FILE]              enrol if needed, ask for the device's canary, plant or rotate it
#   canary-refresh.sh [--config FILE] --uninstall  remove what it planted (restoring the files' bytes), retire the device
#
# Settings (a KEY=value file, default /etc/canarykit/endpoint.conf; the environment overrides the file):
#   CANARY_SERVER                 https://canary.example.com (https only)
#   CANARY_SERVER_CA              PEM bundle the server's certificate chains to (default: the system's)
#   CANARY_CLIENT_CERT/_KEY       the device's certificate and key (PEM) for mutual TLS, or
#   CANARY_ENROLLMENT_TOKEN[_FILE] a one-time enrollment token, exchanged once for a device credential
#   CANARY_USERS                  console (default), all (every local user with a home), or user names
#   CANARY_ALLOW_SYMLINKED_AWS_DIR 1 to accept a ~/.aws that is a symbolic link (default 0: refused)
#   CANARY_STATE_DIR              root-only state (default /var/lib/canarykit, macOS /Library/Application Support/canarykit)
#   CANARY_SERIAL, CANARY_MDM_GROUP, CANARY_HOME (home of the single user named in CANARY_USERS), CANARY_SHELL
#
# Exit codes: 0 done (planted, rotated, unchanged or removed); 1 failed; 2 bad settings; 3 refused by the server.
# What it did goes to syslog / the unified log (logger -t canary-refresh) and to standard output, in one line.

umask 077
PATH=/usr/bin:/bin:/usr/sbin:/sbin
export PATH
LC_ALL=C
export LC_ALL
unset IFS 2>/dev/null || true

TAG=canary-refresh
MAX_FILE_SIZE=1048576

# ------------------------------------------------------------------------------------------------------------------
# The writer: runs as the user who owns the file (never as root), so that no symbolic link or rename race in a
# directory the user controls can make root write anywhere. Reads the credential from standard input.
# ------------------------------------------------------------------------------------------------------------------

# analyse FILE PROFILE [SIZE]: prints "status count key rstart rend dfrom dto lb tail errline" for PROFILE's sections.
analyse() {
    size=${3:-$(wc -c < "$1")} || return 1
    awk -v P="$2" -v size="$((size))" '
    function fail(n, code) { if (err == "") { err = code; errline = n } }
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function cut(s, markers,   i, j, m, c) {
        c = length(s) + 1
        for (i = 1; i <= split(markers, m, "|"); i++) { j = index(s, m[i]); if (j > 0 && j < c) c = j }
        return substr(s, 1, c - 1)
    }
    function closesec() { if (open && name == P) { count++; h[count] = hdr; l[count] = last; k[count] = key } open = 0 }
    BEGIN { off = 0; n = 0; bom = 0; open = 0; have = 0; prop = 0; sub_ = 0; ign = 0; ignp = 0; count = 0; lb = ""; err = "" }
    {
        n++; raw = $0; line = raw; cr = 0
        start[n] = off
        if (n == 1 && substr(line, 1, 3) == "\357\273\277") { bom = 3; line = substr(line, 4); start[1] = 3 }
        if (substr(line, length(line), 1) == "\r") { line = substr(line, 1, length(line) - 1); cr = 1 }
        if (index(line, "\r") > 0) fail(n, "lone-cr")
        cend[n] = off + length(raw) - cr
        off += length(raw) + 1
        if (off > size) { end_[n] = size; if (cr) fail(n, "lone-cr") } else { end_[n] = off; lb = cr ? "crlf" : "lf" }
        if (line ~ /^[ \t]*$/ || substr(line, 1, 1) == "#" || substr(line, 1, 1) == ";") next
        if (substr(line, 1, 1) == "[") {
            closesec()
            s = trim(cut(line, "#|;"))
            if (length(line) < 2 || substr(s, length(s)) != "]") { fail(n, "header"); next }
            inner = trim(substr(s, 2, length(s) - 2))
            open = 1; hdr = n; last = n; key = "-"; prop = 0; ignp = 0
            if (inner ~ /^(sso-session|services)[ \t]/ || inner !~ /^[A-Za-z0-9_\/.%@:+-]*$/) { ign = 1; name = "" }
            else { ign = 0; name = inner; have = 1 }
            next
        }
        if (open) last = n
        if (substr(line, 1, 1) == " " || substr(line, 1, 1) == "\t") {
            if (ign || ignp) next
            if (!have || !prop) { fail(n, "continuation"); next }
            if (sub_ && index(trim(line), "=") == 0) fail(n, "property")
            if (sub_ && index(trim(line), "=") == 1) fail(n, "property")
            next
        }
        if (ign) next
        if (!have) { fail(n, "before-section"); next }
        kv = trim(cut(line, " #| ;|\t#|\t;"))
        eq = index(kv, "=")
        if (eq == 0) { fail(n, "property"); next }
        kname = trim(substr(kv, 1, eq - 1)); kval = trim(substr(kv, eq + 1))
        if (kname == "") { fail(n, "property"); next }
        if (kname !~ /^[A-Za-z0-9_\/.%@:+-]*$/) { ignp = 1; next }
        ignp = 0; prop = 1; sub_ = (kval == "")
        if (kname == "aws_access_key_id") key = (kval ~ /^[A-Za-z0-9]+$/) ? kval : "other"
    }
    END {
        closesec()
        if (lb == "") lb = "lf"
        tail = n == 0 ? "empty" : (end_[n] > cend[n] ? "break" : "nobreak")
        if (err != "") { print "error 0 - 0 0 0 0 " lb " " tail " " errline " " err; exit }
        if (count == 0) { print "ok 0 - 0 0 0 0 " lb " " tail " 0 -"; exit }
        if (count > 1) { print "ok " count " - 0 0 0 0 " lb " " tail " 0 -"; exit }
        f = h[1]; t = l[1]
        blank = (f > 1 && start[f - 1] == cend[f - 1])
        if (end_[t] > cend[t]) { dfrom = blank ? start[f - 1] : start[f]; dto = end_[t] }
        else { keep = blank ? f - 2 : f - 1; dfrom = keep >= 1 ? cend[keep] : bom; dto = end_[t] }
        print "ok 1 " k[1] " " start[f] " " cend[t] " " dfrom " " dto " " lb " " tail " 0 -"
    }' "$1"
}

# bytes FILE FROM TO: bytes [FROM, TO) of FILE (TO empty: to the end)
bytes() {
    if [ -z "$3" ]; then
        tail -c +"$(($2 + 1))" "$1"
    elif [ "$3" -gt "$2" ]; then
        if [ "$2" -eq 0 ]; then head -c "$3" "$1"; else tail -c +"$(($2 + 1))" "$1" | head -c "$(($3 - $2))"; fi
    fi
}

say() { printf 'result=%s\n' "$1"; }

# sweep DIR PROFILE: removes what a writer killed mid-write (power loss, SIGKILL) left beside the file: a temporary
# file of ours, recognised by its name (mktemp's pattern below, ten random characters), by being the user's own regular
# file and by holding a section header for our profile. Nothing of ours stays beside the user's file, where an attacker
# could key on it (and a killed write's copy would hold the canary's secret).
sweep() {
    for t in "$1"/.credentials.??????????; do
        if [ -f "$t" ] && [ ! -L "$t" ] && [ -O "$t" ] && grep -qF "[$2]" "$t" 2>/dev/null; then rm -f "$t"; fi
    done
}

# writer OP HOME ALLOW_SYMLINK CREATED_FILE CREATED_DIR
#   OP: verify (is the section with one of our key ids there), put, remove.
#   Standard input: the profile, our key ids (comma-separated), then for put the key id, secret and session token.
#   Neither the profile nor a key id is ever on a command line: every user of the machine can read those (ps), and
#   they would tell which profile is the canary.
#   Prints "result=WORD" and, for put, "created-file=0|1 created-dir=0|1".
writer() {
    op=$1 home=$2 allow=$3 cfile=${4:-0} cdir=${5:-0}
    IFS= read -r profile || profile=
    IFS= read -r ourkeys || ourkeys=
    case $profile in ''|default|*[!A-Za-z0-9_.-]*) say refused-profile; return 0 ;; esac
    case $ourkeys in *[!A-Z0-9,]*) say refused-key; return 0 ;; esac
    dir=$home/.aws
    file=$dir/credentials
    tmp=
    trap 'if [ -n "$tmp" ]; then rm -f "$tmp"; fi' EXIT
    trap 'exit 1' HUP INT TERM

    if [ ! -d "$home" ]; then say refused-home; return 0; fi
    if [ -L "$dir" ] && [ "$allow" != 1 ]; then say refused-symlink; return 0; fi
    if [ -e "$dir" ] && [ ! -d "$dir" ]; then say refused-not-a-directory; return 0; fi
    if [ -L "$file" ] && [ "$allow" != 1 ]; then say refused-symlink; return 0; fi
    if [ -e "$file" ] && [ ! -f "$file" ]; then say refused-not-a-file; return 0; fi
    if [ -d "$dir" ]; then sweep "$dir" "$profile"; fi

    if [ ! -e "$file" ]; then
        case $op in
            verify) say missing; return 0 ;;
            remove) say absent; return 0 ;;
        esac
    else
        size=$(wc -c < "$file") || { say refused-unreadable; return 0; }
        if [ "$((size))" -gt "$MAX_FILE_SIZE" ]; then say refused-too-large; return 0; fi
        if ! tr -d '\000' < "$file" | cmp -s - "$file"; then say refused-unparseable; return 0; fi
    fi

    made_dir=0
    if [ "$op" = put ] && [ ! -d "$dir" ]; then
        mkdir -m 700 "$dir" || { say refused-mkdir; return 0; }
        made_dir=1
    fi
    existed=0 src=/dev/null
    if [ -e "$file" ]; then existed=1 src=$file; else size=0; fi
    before=
    if [ "$op" != verify ]; then before=$(cksum < "$src"); fi
    set -- $(analyse "$src" "$profile" "$size")
    status=$1 count=$2 key=$3 rstart=$4 rend=$5 dfrom=$6 dto=$7 lb=$8 tail=$9
    if [ "$status" != ok ]; then
        if [ "$made_dir" = 1 ]; then rmdir "$dir"; fi
        say refused-unparseable; return 0
    fi
    if [ "$count" -gt 1 ]; then
        say refused-duplicate-profile; return 0
    fi
    ours=0
    case ",$ourkeys," in *",$key,"*) ours=1 ;; esac

    case $op in
        verify)
            if [ "$count" = 1 ] && [ "$ours" = 1 ]; then say present; else say missing; fi
            return 0 ;;
        remove)
            if [ "$count" = 0 ]; then say absent; return 0; fi
            if [ "$ours" != 1 ]; then say not-ours; return 0; fi ;;
        put)
            if [ "$count" = 1 ] && [ "$ours" != 1 ]; then
                if [ "$made_dir" = 1 ]; then rmdir "$dir"; fi
                say refused-profile-taken; return 0
            fi
            IFS= read -r akid || akid=
            IFS= read -r secret || secret=
            IFS= read -r token || token=
            if [ "$lb" = crlf ]; then nl=$(printf '\r\n_'); else nl=$(printf '\n_'); fi
            nl=${nl%_}
            block="[$profile]${nl}aws_access_key_id = $akid${nl}aws_secret_access_key = $secret"
            if [ -n "$token" ]; then block="$block${nl}aws_session_token = $token"; fi ;;
    esac

    tmp=$(mktemp "$dir/.credentials.XXXXXXXXXX") || { say refused-tempfile; return 0; }
    {
        case $op in
            remove)
                bytes "$src" 0 "$dfrom"
                bytes "$src" "$dto" "" ;;
            put)
                if [ "$count" = 1 ]; then
                    bytes "$src" 0 "$rstart"; printf '%s' "$block"; bytes "$src" "$rend" ""
                else
                    cat "$src"
                    case $tail in
                        empty) printf '%s%s' "$block" "$nl" ;;
                        break) printf '%s%s%s' "$nl" "$block" "$nl" ;;
                        *) printf '%s%s%s' "$nl" "$nl" "$block" ;;
                    esac
                fi ;;
        esac
    } > "$tmp" || { say refused-write; return 0; }

    # read back what is about to replace the file: the profile holds exactly the new key, or is gone
    set -- $(analyse "$tmp" "$profile")
    if [ "$op" = put ]; then
        if [ "$1" != ok ] || [ "$2" != 1 ] || [ "$3" != "$akid" ]; then say refused-readback; return 0; fi
    elif [ "$1" != ok ] || [ "$2" != 0 ]; then
        say refused-readback; return 0
    fi
    if [ "$existed" = 1 ] && cmp -s "$tmp" "$file"; then
        say unchanged; return 0
    fi
    if [ "$existed" = 1 ] && [ "$(cksum < "$file")" != "$before" ]; then say refused-changed-meanwhile; return 0; fi
    if [ "$existed" = 0 ] && [ -e "$file" ]; then say refused-changed-meanwhile; return 0; fi
    # mktemp made it 0600 (the umask is 077 too)

    if [ "$op" = remove ] && [ "$cfile" = 1 ] && [ ! -s "$tmp" ]; then
        rm -f "$tmp" "$file"; tmp=
        if [ "$cdir" = 1 ]; then rmdir "$dir" 2>/dev/null || true; fi
        say removed; return 0
    fi
    mv -f "$tmp" "$file" || { say refused-rename; return 0; }
    tmp=
    if [ "$op" = put ]; then
        if [ "$count" = 1 ]; then say replaced; else say planted; fi
        printf 'created-file=%s created-dir=%s\n' "$((1 - existed))" "$made_dir"
    else
        say removed
    fi
}

if [ "${1:-}" = --internal-writer ]; then
    shift
    MAX_FILE_SIZE=${CANARY_MAX_FILE_SIZE:-$MAX_FILE_SIZE}
    writer "$@"
    exit 0
fi

# ------------------------------------------------------------------------------------------------------------------
# Root side: settings, state, the server, the users.
# ------------------------------------------------------------------------------------------------------------------

SELF=$0
case $SELF in /*) ;; *) SELF=$(pwd)/$SELF ;; esac
cd / || exit 1
UNINSTALL=0
CONFIG=${CANARY_CONFIG:-/etc/canarykit/endpoint.conf}
while [ $# -gt 0 ]; do
    case $1 in
        --uninstall) UNINSTALL=1 ;;
        --config) CONFIG=${2:?--config needs a file}; shift ;;
        -h|--help) sed -n '2,22p' "$SELF"; exit 0 ;;
        *) echo "$TAG: unknown argument '$1' (use --uninstall, --config FILE or --help)" >&2; exit 2 ;;
    esac
    shift
done

# one line to syslog / the unified log and to standard output. It names the canary by its id, which means nothing
# outside the server, and never by its key id or profile: local users who can read the log (adm, admin) must not learn
# which profile is the canary.
report() {
    printf '%s\n' "$TAG: $1"
    logger -t "$TAG" -p user.notice -- "$1" 2>/dev/null || true
}
die() { report "failed: $2"; exit "$1"; }

SETTINGS="SERVER SERVER_CA CLIENT_CERT CLIENT_KEY ENROLLMENT_TOKEN ENROLLMENT_TOKEN_FILE USERS ALLOW_SYMLINKED_AWS_DIR
STATE_DIR SERIAL MDM_GROUP HOME SHELL MAX_FILE_SIZE"
if [ -f "$CONFIG" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in ''|'#'*) continue ;; esac
        k=${line%%=*} v=${line#*=}
        case " $(echo $SETTINGS) " in
            *" ${k#CANARY_} "*) ;;
            *) die 2 "unknown setting '$k' in $CONFIG (known: CANARY_$(echo $SETTINGS | sed 's/ /, CANARY_/g'))" ;;
        esac
        case $k in CANARY_*) ;; *) die 2 "unknown setting '$k' in $CONFIG" ;; esac
        # the environment wins over the file
        if eval "[ -z \"\${$k+x}\" ]"; then eval "$k=\$v"; fi
    done < "$CONFIG"
fi

[ "$(id -u)" = 0 ] || die 2 "run as root (MDM runs it so): it plants for other users"
[ -n "${CANARY_SERVER:-}" ] || die 2 "CANARY_SERVER is not set (https://canary.example.com)"
case $CANARY_SERVER in https://*) ;; *) die 2 "CANARY_SERVER must be an https:// URL" ;; esac
CANARY_SERVER=${CANARY_SERVER%/}
set -- $(uname -s -n -r)
OS=$1 HOSTNAME_=$2 KERNEL=$3
if [ -z "${CANARY_STATE_DIR:-}" ]; then
    if [ "$OS" = Darwin ]; then CANARY_STATE_DIR="/Library/Application Support/canarykit"; else CANARY_STATE_DIR=/var/lib/canarykit; fi
fi
STATE=$CANARY_STATE_DIR/state
SH=${CANARY_SHELL:-/bin/sh}
ALLOW_LINK=${CANARY_ALLOW_SYMLINKED_AWS_DIR:-0}

if [ ! -d "$CANARY_STATE_DIR" ]; then
    mkdir -p -m 700 "$CANARY_STATE_DIR" || die 1 "cannot create $CANARY_STATE_DIR"
fi
[ -L "$CANARY_STATE_DIR" ] && die 1 "$CANARY_STATE_DIR is a symbolic link; refusing"
chmod 700 "$CANARY_STATE_DIR"

LOCK=$CANARY_STATE_DIR/lock
if ! mkdir "$LOCK" 2>/dev/null; then
    holder=$(cat "$LOCK/pid" 2>/dev/null)
    if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then die 1 "another run (pid $holder) is in progress"; fi
    rm -rf "$LOCK"; mkdir "$LOCK" || die 1 "cannot lock $LOCK"
fi
echo $$ > "$LOCK/pid"
REQ=$CANARY_STATE_DIR/request
trap 'rm -rf "$LOCK" "$REQ"; if [ "$UNINSTALL" = 1 ]; then rmdir "$CANARY_STATE_DIR" 2>/dev/null; fi' EXIT
trap 'exit 1' HUP INT TERM

# state: KEY=value lines, root-only; never a canary secret
DEVICE_CREDENTIAL= HELD_ID= HELD_KEY= HELD_PROFILE= PLANTED=  # PLANTED: user|home|created-file|created-dir entries
if [ -f "$STATE" ]; then
    while IFS= read -r line; do
        case $line in
            device-credential=*) DEVICE_CREDENTIAL=${line#*=} ;;
            canary-id=*) HELD_ID=${line#*=} ;;
            access-key-id=*) HELD_KEY=${line#*=} ;;
            profile=*) HELD_PROFILE=${line#*=} ;;
            planted=*) PLANTED=${line#*=} ;;
        esac
    done < "$STATE"
fi
state_save() { # canary-id key profile planted
    {
        [ -n "$DEVICE_CREDENTIAL" ] && printf 'device-credential=%s\n' "$DEVICE_CREDENTIAL"
        printf 'canary-id=%s\naccess-key-id=%s\nprofile=%s\nplanted=%s\n' "$1" "$2" "$3" "$4"
    } > "$STATE.new" && mv -f "$STATE.new" "$STATE"
}

# --- the server
json() {
    case $1 in
        *[\\\"]*|*[![:print:]]*) printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037' | cut -c1-200 ;;
        *) if [ "${#1}" -le 200 ]; then printf '%s' "$1"; else printf '%s' "$1" | cut -c1-200; fi ;;
    esac
}
AUTH=
# api PATH BODY: POSTs BODY; sets STATUS and BODY_TEXT (kept in memory only)
api() {
    printf '%s' "$2" > "$REQ"
    set -- "$1" --proto =https --tlsv1.2 -sS --connect-timeout 10 --max-time 60 -K - -X POST \
        -H 'Accept: text/plain' -H 'Content-Type: application/json' --data-binary @"$REQ" -w '\nstatus=%{http_code}'
    if [ -n "${CANARY_SERVER_CA:-}" ]; then set -- "$@" --cacert "$CANARY_SERVER_CA"; fi
    if [ -n "${CANARY_CLIENT_CERT:-}" ]; then set -- "$@" --cert "$CANARY_CLIENT_CERT" --key "${CANARY_CLIENT_KEY:?}"; fi
    path=$1; shift
    BODY_TEXT=$( if [ -n "$AUTH" ]; then printf 'header = "Authorization: %s"\n' "$AUTH"; fi \
        | curl "$@" "$CANARY_SERVER$path" 2>&1 )
    STATUS= F_action= F_canary_id= F_profile= F_access_key_id= F_secret_access_key= F_session_token= F_device_credential=
    set -f
    IFS='
'
    for line in $BODY_TEXT; do
        case $line in
            status=*) STATUS=${line#*=} ;;
            action=*) F_action=${line#*=} ;;
            canary-id=*) F_canary_id=${line#*=} ;;
            profile=*) F_profile=${line#*=} ;;
            access-key-id=*) F_access_key_id=${line#*=} ;;
            secret-access-key=*) F_secret_access_key=${line#*=} ;;
            session-token=*) F_session_token=${line#*=} ;;
            device-credential=*) F_device_credential=${line#*=} ;;
        esac
    done
    unset IFS
    set +f
}
why() { printf '%s' "$BODY_TEXT" | sed -n 's/.*"error":"\([^"]*\)".*/\1/p' | tr -cd 'A-Za-z0-9 .,:;/()_=-' | cut -c1-200; }
server_failed() {
    case $STATUS in
        000|'') die 1 "cannot reach $CANARY_SERVER: $(printf '%s' "$BODY_TEXT" | head -n 1 | tr -cd 'A-Za-z0-9 .,:;/()_=-' | cut -c1-160)" ;;
        401|403|404|409|422) die 3 "$1 refused by the server ($STATUS): $(why)" ;;
        *) die 1 "$1 failed ($STATUS): $(why)" ;;
    esac
}

authenticate() {
    if [ -n "${CANARY_CLIENT_CERT:-}" ]; then
        [ -r "$CANARY_CLIENT_CERT" ] && [ -r "${CANARY_CLIENT_KEY:-}" ] || die 2 "CANARY_CLIENT_CERT/_KEY must name readable PEM files"
        return
    fi
    if [ -z "$DEVICE_CREDENTIAL" ]; then
        token=${CANARY_ENROLLMENT_TOKEN:-}
        if [ -z "$token" ] && [ -n "${CANARY_ENROLLMENT_TOKEN_FILE:-}" ]; then token=$(head -n 1 "$CANARY_ENROLLMENT_TOKEN_FILE"); fi
        [ -n "$token" ] || die 2 "no device identity: set CANARY_CLIENT_CERT/_KEY, or CANARY_ENROLLMENT_TOKEN for the first run"
        case $token in *[!A-Za-z0-9._-]*) die 2 "the enrollment token has unexpected characters" ;; esac
        AUTH="CANARY-ENROLL $token"
        api /v1/devices/enroll '{}'
        [ "$STATUS" = 200 ] || server_failed "enrollment"
        DEVICE_CREDENTIAL=$F_device_credential
        case $DEVICE_CREDENTIAL in ''|*[!A-Za-z0-9._:-]*) die 1 "the server's enrollment answer has no device credential" ;; esac
        state_save "$HELD_ID" "$HELD_KEY" "$HELD_PROFILE" "$PLANTED"
    fi
    AUTH="CANARY-DEVICE $DEVICE_CREDENTIAL"
}

# --- the users
home_of() {
    if [ -n "${CANARY_HOME:-}" ]; then printf '%s\n' "$CANARY_HOME"; return; fi
    if [ "$OS" = Darwin ]; then
        dscl . -read "/Users/$1" NFSHomeDirectory 2>/dev/null | sed -n 's/^NFSHomeDirectory: //p'
    else
        getent passwd "$1" | cut -d: -f6
    fi
}
console_user() {
    if [ "$OS" = Darwin ]; then
        stat -f %Su /dev/console 2>/dev/null
    else
        u=$(loginctl list-sessions --no-legend 2>/dev/null | awk '$4 == "seat0" { print $3; exit }')
        [ -n "$u" ] || u=$(who 2>/dev/null | awk '$2 ~ /^(:[0-9]|tty[0-9]|console)/ { print $1; exit }')
        printf '%s\n' "$u"
    fi
}
target_users() {
    case ${CANARY_USERS:-console} in
        console) console_user ;;
        all)
            if [ "$OS" = Darwin ]; then dscl . -list /Users UniqueID | awk '$2 >= 501 { print $1 }'
            else getent passwd | awk -F: '$3 >= 1000 && $3 < 60000 && $7 !~ /(nologin|false)$/ { print $1 }'; fi ;;
        *) printf '%s\n' $CANARY_USERS ;;
    esac
}
# as_user USER ARGS...: runs the writer with USER's identity only (uid, gid, groups; empty environment)
as_user() {
    u=$1; shift
    case $u in ''|root|*[!A-Za-z0-9._-]*) echo "result=refused-user"; return ;; esac
    ids=$(id "$u" 2>/dev/null) || { echo "result=refused-no-such-user"; return; }
    uid=${ids#uid=} gid=${ids#* gid=}
    uid=${uid%%[!0-9]*} gid=${gid%%[!0-9]*}
    case $uid$gid in ''|*[!0-9]*) echo "result=refused-no-such-user"; return ;; esac
    [ "$uid" != 0 ] || { echo "result=refused-user"; return; }
    if command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid="$uid" --regid="$gid" --init-groups --no-new-privs -- \
            env -i PATH="$PATH" LC_ALL=C CANARY_MAX_FILE_SIZE="${CANARY_MAX_FILE_SIZE:-$MAX_FILE_SIZE}" \
            "$SH" "$SELF" --internal-writer "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n -u "#$uid" -g "#$gid" -- env -i PATH="$PATH" LC_ALL=C \
            CANARY_MAX_FILE_SIZE="${CANARY_MAX_FILE_SIZE:-$MAX_FILE_SIZE}" "$SH" "$SELF" --internal-writer "$@"
    else
        echo "result=refused-no-setpriv-or-sudo"
    fi
}
# result_of OUTPUT: the writer's result word (its first line is result=WORD); created_of OUTPUT NAME: 0 or 1
result_of() {
    case $1 in result=*) r=${1#result=}; printf '%s\n' "${r%%[!a-z-]*}" ;; esac
}
created_of() {
    case $1 in *" $2="[01]*|*"
$2="[01]*) r=${1##*$2=}; printf '%s\n' "${r%"${r#?}"}" ;; esac
}

# ------------------------------------------------------------------------------------------------------------------
if [ "$UNINSTALL" = 1 ]; then
    summary=
    failed=0
    for entry in $PLANTED; do
        IFS='|'; set -- $entry; unset IFS
        out=$(printf '%s\n%s\n' "$HELD_PROFILE" "$HELD_KEY" | as_user "$1" remove "$2" "$ALLOW_LINK" "$3" "$4")
        r=$(result_of "$out")
        summary="$summary $1=$r"
        case $r in removed|absent|not-ours) ;; *) failed=1 ;; esac
    done
    retired=no
    if [ -n "${CANARY_CLIENT_CERT:-}" ] || [ -n "$DEVICE_CREDENTIAL" ]; then
        authenticate
        api /v1/devices/retire '{}'
        if [ "$STATUS" = 200 ]; then retired=yes; else retired="failed($STATUS)"; fi
    fi
    if [ "$failed" = 0 ]; then rm -f "$STATE"; fi
    report "uninstall canary=${HELD_ID:-none} retired=$retired users:${summary:- none}"
    [ "$failed" = 0 ] || exit 1
    case $retired in yes|no) exit 0 ;; *) exit 1 ;; esac
fi

authenticate
USERS_NOW=
for u in $(target_users); do
    case $u in ''|root|*[!A-Za-z0-9._-]*) continue ;; esac
    h=$(home_of "$u")
    [ -n "$h" ] && [ -d "$h" ] && USERS_NOW="$USERS_NOW $u|$h"
done
[ -n "$USERS_NOW" ] || die 1 "no user to plant for (CANARY_USERS=${CANARY_USERS:-console}: nobody at the console?)"

# is the held canary still where it was planted, for every user?
present=no
if [ -n "$HELD_KEY" ]; then
    present=yes
    for entry in $USERS_NOW; do
        u=${entry%%|*} h=${entry#*|}
        case " $PLANTED " in *" $u|$h|"*) ;; *) present=no; continue ;; esac
        r=$(result_of "$(printf '%s\n%s\n' "$HELD_PROFILE" "$HELD_KEY" | as_user "$u" verify "$h" "$ALLOW_LINK")")
        [ "$r" = present ] || present=no
    done
fi

SERIAL=${CANARY_SERIAL:-}
if [ -z "$SERIAL" ]; then
    if [ "$OS" = Darwin ]; then
        SERIAL=$(ioreg -rd1 -c IOPlatformExpertDevice | awk -F'"' '/IOPlatformSerialNumber/ { print $4 }')
    else
        SERIAL=$(cat /sys/class/dmi/id/product_serial 2>/dev/null || cat /etc/machine-id 2>/dev/null)
    fi
fi
if [ "$OS" = Darwin ]; then OSV="macOS $(sw_vers -productVersion 2>/dev/null)"; else OSV="$OS $KERNEL"; fi
first_user=${USERS_NOW# }
first_user=${first_user%%|*}
body=$(printf '{"held":"%s","present":"%s","labels":{"serial":"%s","hostname":"%s","os":"%s","user":"%s","mdm-group":"%s"}}' \
    "$(json "$HELD_ID")" "$present" "$(json "$SERIAL")" "$(json "$HOSTNAME_")" "$(json "$OSV")" \
    "$(json "$first_user")" "$(json "${CANARY_MDM_GROUP:-}")")
api /v1/devices/canary "$body"
[ "$STATUS" = 200 ] || server_failed "the canary request"

action=$F_action
ID=$F_canary_id
PROFILE=$F_profile
case $ID in [0-9A-Za-z]*) ;; *) die 1 "the server's answer has no canary id" ;; esac
case $PROFILE in ''|default|*[!A-Za-z0-9_.-]*) die 1 "the server asked for the profile '$PROFILE', which this script never writes" ;; esac

if [ "$action" = keep ]; then
    report "unchanged canary=$ID users:$(for e in $USERS_NOW; do printf ' %s' "${e%%|*}"; done)"
    exit 0
fi
[ "$action" = plant ] || die 1 "the server answered an unknown action '$(printf '%s' "$action" | tr -cd 'a-z-')'"
AKID=$F_access_key_id
case $AKID in ''|*[!A-Z0-9]*) die 1 "the server's answer has no valid access key id" ;; esac

case $F_secret_access_key in ''|*[!A-Za-z0-9/+=]*) die 1 "the server's answer has no valid secret access key" ;; esac
case $F_session_token in *[!A-Za-z0-9/+=]*) die 1 "the server's answer has an invalid session token" ;; esac
ourkeys=$AKID
if [ -n "$HELD_KEY" ] && [ "$HELD_PROFILE" = "$PROFILE" ]; then ourkeys="$AKID,$HELD_KEY"; fi
summary=
newplanted=
for entry in $USERS_NOW; do
    u=${entry%%|*} h=${entry#*|}
    prev=
    for p in $PLANTED; do case $p in "$u|$h|"*) prev=$p ;; esac; done
    if [ -n "$HELD_KEY" ] && [ "$HELD_PROFILE" != "$PROFILE" ] && [ -n "$prev" ]; then
        IFS='|'; set -- $prev; unset IFS
        printf '%s\n%s\n' "$HELD_PROFILE" "$HELD_KEY" | as_user "$u" remove "$h" "$ALLOW_LINK" "$3" "$4" >/dev/null
        prev=
    fi
    out=$(printf '%s\n%s\n%s\n%s\n%s\n' "$PROFILE" "$ourkeys" "$AKID" "$F_secret_access_key" "$F_session_token" \
        | as_user "$u" put "$h" "$ALLOW_LINK")
    r=$(result_of "$out")
    summary="$summary $u=$r"
    case $r in
        planted|replaced|unchanged)
            if [ -n "$prev" ]; then
                IFS='|'; set -- $prev; unset IFS; cf=$3 cd=$4
            else
                cf=$(created_of "$out" created-file); cd=$(created_of "$out" created-dir)
            fi
            newplanted="$newplanted $u|$h|${cf:-0}|${cd:-0}" ;;
    esac
done
# users no longer targeted keep nothing of ours
for p in $PLANTED; do
    IFS='|'; set -- $p; unset IFS
    case " $newplanted " in *" $1|$2|"*) continue ;; esac
    r=$(result_of "$(printf '%s\n%s\n' "$HELD_PROFILE" "$HELD_KEY" | as_user "$1" remove "$2" "$ALLOW_LINK" "$3" "$4")")
    summary="$summary $1=$r"
done
BODY_TEXT= F_secret_access_key= F_session_token=
if [ -z "$newplanted" ]; then
    state_save "" "" "" ""
    report "failed: canary=$ID planted for nobody; users:$summary"
    exit 1
fi
state_save "$ID" "$AKID" "$PROFILE" "${newplanted# }"
if [ -n "$HELD_KEY" ]; then verb=rotated; else verb=planted; fi
report "$verb canary=$ID users:$summary"
case $summary in *=refused*) exit 1 ;; esac
exit 0
