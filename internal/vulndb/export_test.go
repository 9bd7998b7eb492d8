package vulndb

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// PackageKeys lists every (ecosystem, package) stored, for benchmarks.
func PackageKeys(t testing.TB, db *DB) [][2]string {
	var keys [][2]string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPkg).ForEach(func(_, v []byte) error {
			block, err := db.decompress(v)
			if err != nil {
				return err
			}
			return eachInBlock(block, func(k, _ []byte) error {
				e, p, _ := cutNUL(string(k))
				keys = append(keys, [2]string{e, p})
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
