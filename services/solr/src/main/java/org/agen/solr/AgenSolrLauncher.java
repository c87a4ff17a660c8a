package org.agen.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs Apache Solr in its own embedded Jetty on 127.0.0.1 for the Agen portal.
 *
 * <p>Usage: {@code AgenSolrLauncher SOLR_HOME PORT}. SOLR_HOME must contain
 * {@code solr.xml} and one folder per core. The process stays in the
 * foreground until it receives SIGTERM or SIGINT, then stops Solr cleanly so
 * that the index is committed to disk.
 */
public final class AgenSolrLauncher {

    private AgenSolrLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: AgenSolrLauncher SOLR_HOME PORT");
            System.exit(2);
        }

        Path solrHome = Path.of(args[0]).toAbsolutePath();
        if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
            System.err.println("solr.xml not found in " + solrHome);
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);

        // JettySolrRunner binds its connector to 127.0.0.1, so nothing is
        // reachable from outside this machine.
        JettyConfig config = JettyConfig.builder()
                .setPort(port)
                .setContext("/solr")
                .stopAtShutdown(true)
                .build();
        JettySolrRunner runner = new JettySolrRunner(solrHome.toString(), config);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.stop();
            } catch (Exception e) {
                System.err.println("Solr did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }));

        runner.start();
        System.out.println("Solr started on http://127.0.0.1:" + runner.getLocalPort() + "/solr");
        stopped.await();
    }
}
