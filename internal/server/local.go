package server

import (
	"net/http"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// LocalHandler serves the token routes (GET and POST /api/v1/tokens,
// DELETE /api/v1/tokens/{id}) with admin rights and no bearer token. It is
// meant for a unix socket beside the embedded store file, with the file's
// own permissions: whoever may open the socket may open the store and mint
// tokens in it anyway, so the socket grants nothing new. It lets
// `bulwark serve token create` work while this process holds the store's
// lock.
func (s *Server) LocalHandler() http.Handler {
	mux := http.NewServeMux()
	local := store.Token{Name: "local socket", Role: store.Admin}
	for _, e := range s.routeTable() {
		if e.Path != "/api/v1/tokens" && e.Path != "/api/v1/tokens/{id}" {
			continue
		}
		h := e.h
		mux.HandleFunc(e.Method+" "+e.Path, func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if err := h(w, r, local); err != nil {
				s.fail(w, r, err)
			}
		})
	}
	return s.middleware(mux)
}
