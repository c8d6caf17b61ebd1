package io.canarykit.aws.issue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps SDK clients (interfaces) so that the process "dies" before or after the Nth call made through any of them:
 * kill mid-way, then abandon the objects that were using them.
 */
final class Crasher {
    private int calls;
    private int crashAt = -1;
    private boolean after;
    final List<String> log = new ArrayList<>();

    /** Dies at the {@code nth} call from now, before it reaches AWS or after AWS answered. */
    synchronized Crasher at(int nth, boolean afterTheCall) {
        this.crashAt = calls + nth;
        this.after = afterTheCall;
        return this;
    }

    synchronized int calls() {
        return calls;
    }

    @SuppressWarnings("unchecked")
    <T> T wrap(Class<T> type, T target) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class || method.getName().equals("close")
                    || method.getName().equals("serviceName") || method.getName().equals("serviceClientConfiguration")) {
                return invoke(method, target, args);
            }
            boolean crash;
            synchronized (this) {
                calls++;
                log.add(method.getName());
                crash = calls == crashAt;
            }
            if (crash && !after) {
                throw new SimulatedCrash("before " + method.getName());
            }
            Object result = invoke(method, target, args);
            if (crash) {
                throw new SimulatedCrash("after " + method.getName());
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h);
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
