package inventory

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Router(NewStore(), log.New(io.Discard, "", 0)))
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(text)
}

func TestHealthz(t *testing.T) {
	srv := serve(t)
	if code, body := call(t, "GET", srv.URL+"/healthz", ""); code != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
}

func TestStockGoesUpAndCannotGoNegative(t *testing.T) {
	srv := serve(t)
	if code, body := call(t, "POST", srv.URL+"/items/bolts", `{"delta": 5}`); code != 200 || body != "{\"name\":\"bolts\",\"units\":5}\n" {
		t.Fatalf("add: %d %q", code, body)
	}
	if code, body := call(t, "POST", srv.URL+"/items/bolts", `{"delta": -9}`); code != 409 || !strings.Contains(body, `"units":5`) {
		t.Fatalf("over-take: %d %q", code, body)
	}
	if code, body := call(t, "GET", srv.URL+"/items/", ""); code != 200 || body != "{\"items\":[\"bolts\"]}\n" {
		t.Fatalf("list: %d %q", code, body)
	}
	if code, _ := call(t, "GET", srv.URL+"/items/nuts", ""); code != 404 {
		t.Fatalf("unknown item: %d", code)
	}
	if code, _ := call(t, "POST", srv.URL+"/items/Bad_Name", `{"delta": 1}`); code != 400 {
		t.Fatalf("bad name: %d", code)
	}
}
