package io.canarykit.detect;

import io.canarykit.Sighting;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A detector over a growing list of sightings that checkpoints its position after each one the sink took: what a
 * real detector does with its files or pages.
 */
final class ListDetector implements Detector {
    private final String source;
    final List<Sighting> events = new ArrayList<>();
    int handedOver;

    ListDetector(String source) {
        this.source = source;
    }

    ListDetector add(Sighting s) {
        events.add(s);
        return this;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        int from = context.checkpoint("position").map(Integer::parseInt).orElse(0);
        for (int i = from; i < events.size(); i++) {
            sink.accept(events.get(i));
            handedOver++;
            context.saveCheckpoint("position", Integer.toString(i + 1));
        }
    }
}
