package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// listenLocal listens on the unix socket path with mode 0600. The socket
// is bound under a temporary name, restricted, then renamed into place, so
// it is never reachable with wider permissions. A socket already at path
// is a leftover: the caller holds the store file's lock, so no other
// server is answering there.
func listenLocal(path string) (net.Listener, error) {
	if len(path) > 100 {
		return nil, fmt.Errorf("socket path %s is too long for a unix socket", path)
	}
	if st, err := os.Lstat(path); err == nil && st.Mode().Type() != fs.ModeSocket {
		return nil, fmt.Errorf("%s exists and is not a socket", path)
	}
	tmp := fmt.Sprintf("%s.%d", path, os.Getpid())
	os.Remove(tmp)
	l, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, err
	}
	return l, nil
}

// localClient talks to a running `bulwark serve` through the socket beside
// its embedded store file.
type localClient struct {
	socket string
	http   *http.Client
}

func newLocalClient(db string) *localClient {
	sock := localSocket(db)
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	return &localClient{socket: sock, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// do sends a request and decodes a 2xx answer into out.
func (c *localClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://local"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("the store is in use by a running bulwark serve, and its socket %s does not answer (%v); stop that server, or use POST /api/v1/tokens with an admin token", filepath.Base(c.socket), unwrapAll(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("server answered %s", resp.Status)
	}
	return json.Unmarshal(b, out)
}

func (c *localClient) createToken(ctx context.Context, name string, role store.Role, host string) (store.Token, string, error) {
	var res struct {
		Token  store.Token `json:"token"`
		Secret string      `json:"secret"`
	}
	err := c.do(ctx, http.MethodPost, "/api/v1/tokens", map[string]any{"name": name, "role": role, "host": host}, &res)
	return res.Token, res.Secret, err
}

func (c *localClient) listTokens(ctx context.Context) ([]store.Token, error) {
	var toks []store.Token
	err := c.do(ctx, http.MethodGet, "/api/v1/tokens", nil, &toks)
	return toks, err
}

// unwrapAll returns the innermost error, for a short message.
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
