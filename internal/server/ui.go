package server

import (
	"embed"
	"io/fs"
	"net/http"
)

// The dashboard is hand-written HTML, CSS and JavaScript with no build step
// and no external URL; charts are SVG drawn in the browser.
//
//go:embed ui
var uiFiles embed.FS

// csp allows the dashboard to load only its own files and call its own API.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) uiRoutes() {
	sub, _ := fs.Sub(uiFiles, "ui") // "ui" is embedded above
	files := http.FileServerFS(sub)
	secure := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Referrer-Policy", "no-referrer")
			h.ServeHTTP(w, r)
		})
	}
	s.mux.Handle("GET /ui/", secure(http.StripPrefix("/ui/", files)))
	s.mux.Handle("GET /{$}", secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, sub, "index.html")
	})))
	s.mux.Handle("GET /favicon.ico", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1l6 2v5c0 3-3 6-6 7-3-1-6-4-6-7V3z" fill="#2b5797"/></svg>`))
	}))
}
