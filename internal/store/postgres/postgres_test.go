package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/postgres"
	"github.com/bulwark-sec/bulwark/internal/store/storetest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func TestContract(t *testing.T) {
	base := testutil.NeedPostgres(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), storetest.PostgresSchema(t, base))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// Replicas starting at once apply each migration exactly once.
func TestConcurrentMigrations(t *testing.T) {
	url := storetest.PostgresSchema(t, testutil.NeedPostgres(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			s, err := postgres.Open(ctx, url)
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	got, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	want, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	for i := range want {
		if int(got[i]) != want[i] {
			t.Fatalf("applied %v, want %v", got, want)
		}
	}
}

// TestMigrationsNumbered: every migration file has a version of its own
// (two branches adding the same number would leave one never applied).
func TestMigrationsNumbered(t *testing.T) {
	vs, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if v != i+1 {
			t.Errorf("migration versions %v: want 1, 2, 3… without gaps or repeats", vs)
			break
		}
	}
}
