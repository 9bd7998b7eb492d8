package generic

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// JSON documents are read with encoding/json's Decoder, token by token
// (Object, Array, Skip) and with Decode for values known to be small (one
// package entry), so a parser holds one record at a time, never the
// document or its decoded tree.

// NewDecoder returns a decoder over f that keeps numbers as json.Number
// (no precision is lost on fields a parser only skips).
func NewDecoder(f io.Reader) *json.Decoder {
	dec := json.NewDecoder(f)
	dec.UseNumber()
	return dec
}

// ErrType is wrapped by Object and Array when the value is of another
// JSON type.
var ErrType = errors.New("unexpected JSON type")

// Object reads the next value, which should be an object or null, calling
// fn with each key; fn must consume the key's value (Decode, Object, Array
// or Skip). It reports whether the value was an object (false for null).
// A value of another type is consumed and reported as an error wrapping
// ErrType, after which the decoder may go on with the next value.
func Object(dec *json.Decoder, fn func(key string) error) (bool, error) {
	return open(dec, '{', func() error {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k, ok := t.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", t)
		}
		return fn(k)
	})
}

// Array reads the next value, which must be an array or null, calling fn
// for each element with its index; fn must consume the element. It reports
// whether the value was an array (false for null).
func Array(dec *json.Decoder, fn func(i int) error) (bool, error) {
	i := 0
	return open(dec, '[', func() error {
		err := fn(i)
		i++
		return err
	})
}

func open(dec *json.Decoder, delim json.Delim, each func() error) (bool, error) {
	t, err := dec.Token()
	if err != nil {
		return false, err
	}
	if t == nil {
		return false, nil
	}
	if d, ok := t.(json.Delim); !ok || d != delim {
		if ok { // the other kind of container: consume it, so the stream goes on
			if err := skipRest(dec); err != nil {
				return false, err
			}
		}
		return false, fmt.Errorf("%w: %s where %s was expected", ErrType, kind(t), kind(delim))
	}
	for dec.More() {
		if err := each(); err != nil {
			return true, err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return true, err
}

// kind names a token's JSON type for messages.
func kind(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '{' {
			return "object"
		}
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	}
	return "null"
}

// Skip consumes the next value. The decoder buffers it whole (the file
// budget bounds it) but decodes nothing: a value skipped this way costs a
// scan of its bytes, several times less than walking it token by token.
func Skip(dec *json.Decoder) error {
	var none struct{}
	err := dec.Decode(&none)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return nil // anything but an object: consumed all the same
	}
	return err
}

// Decode decodes the next value into v like dec.Decode, but a value of
// the wrong type for v (an *json.UnmarshalTypeError) is returned as a
// *TypeError: the value has been consumed and the stream goes on, so a
// parser can skip the one entry; any other error ends the document.
func Decode(dec *json.Decoder, v any) error {
	err := dec.Decode(v)
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return &TypeError{te}
	}
	return err
}

// TypeError is a value of the wrong type for what it was decoded into.
type TypeError struct{ Err *json.UnmarshalTypeError }

func (e *TypeError) Error() string { return e.Err.Error() }
func (e *TypeError) Unwrap() error { return e.Err }

// skipRest consumes the rest of a container whose opening delimiter has
// been read.
func skipRest(dec *json.Decoder) error { return skipDepth(dec, 1) }

func skipDepth(dec *json.Decoder, depth int) error {
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// End checks that nothing but white space follows the document's value.
func End(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return errors.New("data after the document")
		}
		return err
	}
	return nil
}
