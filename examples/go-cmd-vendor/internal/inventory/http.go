package inventory

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"regexp"
	"time"

	"github.com/go-chi/chi/v5"
)

var itemName = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)

// Router serves /healthz and the /items API from store, logging each request to logger.
func Router(store *Store, logger *log.Logger) http.Handler {
	r := chi.NewRouter()
	r.Use(accessLog(logger))
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Route("/items", func(r chi.Router) {
		r.Get("/", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string][]string{"items": store.Items()})
		})
		r.Get("/{name}", func(w http.ResponseWriter, req *http.Request) {
			name := chi.URLParam(req, "name")
			n, ok := store.Get(name)
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such item"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"name": name, "units": n})
		})
		r.Post("/{name}", func(w http.ResponseWriter, req *http.Request) {
			name := chi.URLParam(req, "name")
			var body struct {
				Delta int `json:"delta"`
			}
			if !itemName.MatchString(name) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "item names are [a-z0-9-]"})
				return
			}
			if err := json.NewDecoder(http.MaxBytesReader(w, req.Body, 1024)).Decode(&body); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": `send {"delta": <int>}`})
				return
			}
			n, err := store.Add(name, body.Delta)
			if errors.Is(err, ErrInsufficient) {
				writeJSON(w, http.StatusConflict, map[string]any{"error": err.Error(), "units": n})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"name": name, "units": n})
		})
	})
	return r
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func accessLog(logger *log.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, req)
			logger.Printf("%s %s %d %s", req.Method, req.URL.Path, rec.status, time.Since(start).Round(time.Microsecond))
		})
	}
}
