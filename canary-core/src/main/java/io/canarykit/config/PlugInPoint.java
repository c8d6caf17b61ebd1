package io.canarykit.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the plug-in point of a provider interface: the providers of an interface annotated
 * {@code @PlugInPoint("store")} read {@code canary.store.<name>.*}, and {@link ProviderRegistry#create} hands each
 * one those keys, without the prefix. Put it on your own provider interface to give its providers the same contract.
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PlugInPoint {

    /** The point's name, one kebab-case word such as {@code store}, {@code issuer} or {@code placement}. */
    String value();
}
