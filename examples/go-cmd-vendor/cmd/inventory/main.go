// Command inventory serves the stock API. With -healthcheck it instead asks a running
// instance's /healthz and exits 0 or 1: the final image has no shell or curl to do that.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/go-cmd-vendor/internal/inventory"
)

func main() {
	port := envOr("PORT", "8080")
	addr := flag.String("addr", ":"+port, "listen address")
	healthcheck := flag.Bool("healthcheck", false, "request http://127.0.0.1:PORT/healthz and exit 0 if it answers 200")
	flag.Parse()

	if *healthcheck {
		os.Exit(checkHealth("http://127.0.0.1:" + port + "/healthz"))
	}
	logger := log.New(os.Stdout, "inventory ", log.LstdFlags|log.LUTC)
	srv := &http.Server{
		Addr:              *addr,
		Handler:           inventory.Router(inventory.NewStore(), logger),
		ReadHeaderTimeout: 5 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	logger.Printf("listening on %s", *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		logger.Fatal(err)
	}
}

func checkHealth(url string) int {
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "unhealthy: status", resp.StatusCode)
		return 1
	}
	return 0
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
