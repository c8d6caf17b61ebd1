package io.canarykit.issue;

import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.naming.NameRules;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * An IAM-user issuer over {@link FakeAws}, with the real issuer's mechanics: user (tagged with the canary id), inline
 * policy, key; undo on failure; ownership-checked, idempotent revoke. Steps can be faulted.
 */
final class FakeIssuer implements CanaryIssuer {
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    final String account;
    final FakeAws aws;
    final Clock clock;
    final Faults faults = new Faults();
    int quotaUsers = Integer.MAX_VALUE;
    /** The account the fake keys encode (normally the issuer's). */
    String keyAccount;
    /** Runs between the key and the return, to let a test interleave something (a recovery pass). */
    Runnable beforeReturn = () -> { };

    FakeIssuer(String account, FakeAws aws, Clock clock) {
        this.account = account;
        this.aws = aws;
        this.clock = clock;
        this.keyAccount = account;
    }

    @Override
    public CredentialKind kind() {
        return CredentialKind.IAM_USER;
    }

    @Override
    public String accountId() {
        return account;
    }

    @Override
    public NameRules nameRules() {
        return NameRules.IAM_USER;
    }

    @Override
    public Principal plannedPrincipal(IssueRequest request) {
        return Principal.iamUser(account, "/svc/", nameRules().validate(request.principalName()));
    }

    private CanaryIssuerException awsError(String op, boolean ambiguous) {
        return new CanaryIssuerException(op + " failed: ServiceFailure", CanaryIssuerException.Reason.UNAVAILABLE,
                ambiguous ? CanaryIssuerException.Residue.UNKNOWN : CanaryIssuerException.Residue.NONE,
                "ServiceFailure", null);
    }

    @Override
    public IssuedCanary issue(IssueRequest request) {
        Principal p = plannedPrincipal(request);
        String name = p.name();
        // CreateUser: a definite failure before it leaves nothing; after it, the user exists
        boolean[] created = {false};
        try {
            faults.run("create-user", () -> {
                synchronized (aws) {
                    aws.calls++;
                    if (aws.users.containsKey(FakeAws.key(account, name))) {
                        throw new CanaryIssuerException("user " + name + " exists", CanaryIssuerException.Reason.NAME_TAKEN,
                                CanaryIssuerException.Residue.NONE, "EntityAlreadyExists", null);
                    }
                    if (aws.users.values().stream().filter(u -> u.account.equals(account)).count() >= quotaUsers) {
                        throw new CanaryIssuerException("quota", CanaryIssuerException.Reason.QUOTA_EXCEEDED,
                                CanaryIssuerException.Residue.NONE, "LimitExceeded", null);
                    }
                    aws.users.put(FakeAws.key(account, name), new FakeAws.User(account, name, request.canaryId(),
                            clock.instant()));
                    created[0] = true;
                }
                return null;
            }, () -> awsError("CreateUser", created[0]));
            faults.run("put-policy", () -> {
                synchronized (aws) {
                    aws.calls++;
                    FakeAws.User u = aws.users.get(FakeAws.key(account, name));
                    if (u == null) {
                        throw new CanaryIssuerException("no user", CanaryIssuerException.Reason.REFUSED,
                                CanaryIssuerException.Residue.UNKNOWN, "NoSuchEntity", null);
                    }
                    u.inlinePolicy = true;
                }
                return null;
            }, () -> awsError("PutUserPolicy", true));
            String keyId = faults.run("create-key", () -> {
                synchronized (aws) {
                    aws.calls++;
                    FakeAws.User u = aws.users.get(FakeAws.key(account, name));
                    if (u == null) {
                        throw new CanaryIssuerException("no user", CanaryIssuerException.Reason.REFUSED,
                                CanaryIssuerException.Residue.UNKNOWN, "NoSuchEntity", null);
                    }
                    String id = io.canarykit.fingerprint.KeyIds.generate("AKIA", keyAccount, aws.random);
                    u.keys.add(id);
                    return id;
                }
            }, () -> awsError("CreateAccessKey", true));
            beforeReturn.run();
            return new IssuedCanary(CanaryCredential.longTerm(keyId, Secret.of(SECRET)), p, clock.instant(), null,
                    List.of(), java.util.Map.of("path", "/svc/"));
        } catch (CanaryIssuerException e) {
            if (!created[0] && e.residue() == CanaryIssuerException.Residue.NONE) {
                throw e;
            }
            // undo what this call created, as the real issuer does
            try {
                CanaryRecord fake = CanaryRecord.builder().id(request.canaryId()).kind(kind()).issuer(name())
                        .accountId(account).principal(p).asset(request.asset()).createdAt(clock.instant()).build();
                Revocation r = revoke(fake);
                if (r.found()) {
                    throw e.withResidue(CanaryIssuerException.Residue.NONE);
                }
                throw e.withResidue(CanaryIssuerException.Residue.UNKNOWN);
            } catch (CanaryIssuerException ce) {
                throw ce;
            } catch (CanaryException undoFailure) {
                CanaryIssuerException u = e.withResidue(CanaryIssuerException.Residue.UNKNOWN);
                u.addSuppressed(undoFailure);
                throw u;
            }
        }
    }

    @Override
    public Revocation revoke(CanaryRecord record) {
        String name = record.principal().name();
        FakeAws.User u = faults.run("revoke-get", () -> {
            synchronized (aws) {
                aws.calls++;
                return aws.find(account, name, clock.instant());
            }
        }, () -> new CanaryException("GetUser failed: ServiceFailure"));
        if (u == null) {
            return Revocation.nothingFound(false);
        }
        if (!record.id().equals(u.owner)) {
            return Revocation.foreignPrincipal();
        }
        List<String> removed = new ArrayList<>();
        for (String k : List.copyOf(u.keys)) {
            faults.run("revoke-delete-key", () -> {
                synchronized (aws) {
                    aws.calls++;
                    u.keys.remove(k);
                }
                return null;
            }, () -> new CanaryException("DeleteAccessKey failed: ServiceFailure"));
            removed.add("access-key " + k);
        }
        if (u.inlinePolicy) {
            faults.run("revoke-delete-policy", () -> {
                synchronized (aws) {
                    aws.calls++;
                    u.inlinePolicy = false;
                }
                return null;
            }, () -> new CanaryException("DeleteUserPolicy failed: ServiceFailure"));
            removed.add("inline-policy deny-all");
        }
        faults.run("revoke-delete-user", () -> {
            synchronized (aws) {
                aws.calls++;
                if (!u.keys.isEmpty() || u.inlinePolicy) {
                    throw new CanaryException("DeleteConflict");
                }
                aws.users.remove(FakeAws.key(account, name));
            }
            return null;
        }, () -> new CanaryException("DeleteUser failed: ServiceFailure"));
        removed.add("user " + name);
        return Revocation.removed(removed);
    }

    @Override
    public List<IssuedPrincipal> listIssued() {
        List<IssuedPrincipal> out = new ArrayList<>();
        for (FakeAws.User u : aws.all()) {
            if (u.account.equals(account)) {
                out.add(new IssuedPrincipal(Principal.iamUser(account, "/svc/", u.name), u.created, List.copyOf(u.keys)));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "FakeIssuer[" + account + "]";
    }
}
