package io.canarykit.aws.detect;

import io.canarykit.detect.DetectorContext;

/** Turns what an SQS pass did into the reports a person must see: dead letters and a dead-letter queue not empty. */
final class SqsReports {
    private SqsReports() {
    }

    static void report(DetectorContext context, SqsConsumer.Report r) {
        for (SqsConsumer.DeadLetter d : r.deadLetters()) {
            context.report("message " + d.messageId() + " failed " + d.receiveCount() + " times and "
                    + (d.movedByUs() ? "was moved to the dead-letter queue" : "is left to the queue's redrive policy")
                    + ": " + d.reason());
        }
        if (r.deadLetterQueueDepth() > 0) {
            context.report("the dead-letter queue holds " + r.deadLetterQueueDepth() + " message(s): files no"
                    + " detector could read; fix the cause and move them back to the queue (SQS redrive)");
        }
    }
}
