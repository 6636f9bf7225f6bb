package com.example.hello;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * hello-java: GET / greets in JSON written by Jackson (naming the Jackson release that wrote it),
 * GET /healthz answers "ok". Listens on 0.0.0.0 and the port in PORT
 * (8080 by default), logs to stdout and stops cleanly on SIGTERM.
 *
 * <p>"java -jar app.jar -healthcheck" GETs /healthz and exits 0 on 200, 1 otherwise, so the
 * image needs no curl for its health check.
 */
public final class App {
    private App() {}

    private static int port() {
        String value = System.getenv("PORT");
        return value == null || value.isEmpty() ? 8080 : Integer.parseInt(value);
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " " + message);
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] data)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, data.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(data);
        }
        log(exchange.getRemoteAddress().getAddress().getHostAddress() + " \""
                + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\" " + status);
    }

    private static void replyJson(HttpExchange exchange, ObjectMapper json, int status,
            ObjectNode body) throws IOException {
        reply(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void handle(HttpExchange exchange, ObjectMapper json) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean get = "GET".equals(exchange.getRequestMethod());
        if (get && "/healthz".equals(path)) {
            reply(exchange, 200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
        } else if (get && "/".equals(path)) {
            replyJson(exchange, json, 200, json.createObjectNode()
                    .put("message", "Hello from hello-java!")
                    .put("jackson", json.version().toString()));
        } else {
            replyJson(exchange, json, 404, json.createObjectNode().put("error", "not found"));
        }
    }

    private static int healthcheck() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/healthz"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return 0;
            }
            System.err.println("unhealthy: status " + status);
        } catch (IOException | InterruptedException e) {
            System.err.println("unhealthy: " + e);
        }
        return 1;
    }

    private static void serve() throws IOException, InterruptedException {
        int port = port();
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        // Made here, not in a static field: the health check's JVM never loads Jackson.
        ObjectMapper json = new ObjectMapper();
        server.createContext("/", exchange -> handle(exchange, json));

        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM runs shutdown hooks on SIGTERM and SIGINT.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down");
            server.stop(1);
            executor.shutdown();
            log("stopped");
            stopped.countDown();
        }));

        server.start();
        log("listening on 0.0.0.0:" + port);
        stopped.await();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "-healthcheck".equals(args[0])) {
            System.exit(healthcheck());
        }
        serve();
    }
}
