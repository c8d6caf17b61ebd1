package io.canarykit.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Switches the command's log output to JSON: one object per line on stderr, written by logback's own
 * {@link JsonEncoder} ({@code timestamp}, {@code level}, {@code threadName}, {@code loggerName}, {@code mdc},
 * {@code formattedMessage}, {@code throwable}), what log shippers read without a pattern. The library modules never
 * choose a format; the command does, for {@code canary serve} with {@code canary.server.log-format=json} or
 * {@code CANARY_LOG_FORMAT=json}.
 */
final class LogFormat {
    /** The console appender of {@code logback.xml}. */
    static final String TEXT_APPENDER = "STDERR";
    static final String JSON_APPENDER = "JSON";

    private LogFormat() {
    }

    /**
     * Uses {@code format} ({@code text} or {@code json}) from now on. Does nothing when logback is not the backend
     * (an embedding application chose its own).
     */
    static void use(String format) {
        if (!"json".equals(format)) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(JSON_APPENDER) != null) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName(JSON_APPENDER);
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        root.addAppender(json);
        root.detachAppender(TEXT_APPENDER);
    }
}
