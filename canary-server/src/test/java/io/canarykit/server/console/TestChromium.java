package io.canarykit.server.console;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Headless Chromium from Debian driven by Debian's chromedriver (no driver download). When {@code /usr/bin/chromium}
 * or {@code /usr/bin/chromedriver} is missing and the build runs as root, {@code chromium} and {@code chromium-driver}
 * are installed with apt-get (about two minutes, once per machine), as {@code TestPostgres} installs PostgreSQL. When
 * that is impossible it throws with what to install: the browser tests fail, they never skip. The browser and its
 * driver run on loopback only and are stopped by {@link ChromeDriver#quit()} (and at JVM exit).
 */
final class TestChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String HOW = ": install them with `apt-get install -y chromium chromium-driver` (Debian 12)";

    private TestChromium() {
    }

    /** A new headless browser session that keeps the browser console's messages. */
    static ChromeDriver start(Path work) throws IOException, InterruptedException {
        ensureInstalled(work);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                driver.quit();
            } catch (RuntimeException ignored) {
                // already stopped
            }
        }));
        return driver;
    }

    private static void ensureInstalled(Path work) throws IOException, InterruptedException {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM + " and " + DRIVER + HOW);
        }
        Path log = Files.createDirectories(work).resolve("apt-install.log");
        System.err.println("[canarykit tests] Chromium missing: installing chromium and chromium-driver with apt-get "
                + "(log: " + log + ")");
        for (List<String> command : List.of(List.of("apt-get", "update", "-qq"),
                List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"))) {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 15 minutes (log: "
                        + log + ")" + HOW);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with " + p.exitValue() + " (log: "
                        + log + ")" + HOW);
            }
        }
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("apt-get ran but " + CHROMIUM + " or " + DRIVER + " is still missing" + HOW);
        }
    }

    /** Where screenshots go: {@code target/console-screenshots}. */
    static Path screenshots() throws IOException {
        return Files.createDirectories(Path.of("target", "console-screenshots"));
    }

    /** Saves a screenshot under {@link #screenshots()}. */
    static Path screenshot(ChromeDriver driver, String name) throws IOException {
        File png = driver.getScreenshotAs(org.openqa.selenium.OutputType.FILE);
        Path to = screenshots().resolve(name + ".png");
        Files.copy(png.toPath(), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
