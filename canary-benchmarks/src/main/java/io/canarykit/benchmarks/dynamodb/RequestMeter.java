package io.canarykit.benchmarks.dynamodb;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * An SDK interceptor that counts DynamoDB requests by operation and adds up the capacity units the server reports.
 * It asks for {@code ReturnConsumedCapacity=TOTAL} on every data-plane request (that changes nothing else the store
 * does), so the numbers come from the server: dynalite reports table capacity only, real DynamoDB adds the indexes.
 */
final class RequestMeter implements ExecutionInterceptor {
    private final Map<String, AtomicInteger> requests = new TreeMap<>();
    private final DoubleAdder capacity = new DoubleAdder();
    private final AtomicInteger reportedCapacity = new AtomicInteger();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof BatchGetItemRequest b) {
            return b.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return r;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        synchronized (requests) {
            requests.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse r = context.response();
        if (r instanceof PutItemResponse p) {
            add(p.consumedCapacity());
        } else if (r instanceof GetItemResponse g) {
            add(g.consumedCapacity());
        } else if (r instanceof QueryResponse q) {
            add(q.consumedCapacity());
        } else if (r instanceof BatchGetItemResponse b && b.hasConsumedCapacity()) {
            List<ConsumedCapacity> all = b.consumedCapacity();
            all.forEach(this::add);
        }
    }

    private void add(ConsumedCapacity c) {
        if (c != null && c.capacityUnits() != null) {
            capacity.add(c.capacityUnits());
            reportedCapacity.incrementAndGet();
        }
    }

    /** Requests by operation, and the total, since the last reset. */
    Snapshot snapshot() {
        Map<String, Integer> byOp = new TreeMap<>();
        synchronized (requests) {
            requests.forEach((k, v) -> byOp.put(k, v.get()));
        }
        return new Snapshot(byOp, capacity.sum(), reportedCapacity.get());
    }

    void reset() {
        synchronized (requests) {
            requests.clear();
        }
        capacity.reset();
        reportedCapacity.set(0);
    }

    /** What was measured. */
    record Snapshot(Map<String, Integer> requests, double capacityUnits, int responsesWithCapacity) {
        int total() {
            return requests.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
