// Package jsonstream writes large JSON documents the way
// json.Encoder with SetIndent("", "  ") and SetEscapeHTML(false) would,
// byte for byte, but without building the whole document in memory
// first: the arrays named by a path ("vulnerabilities",
// "runs.*.results") are written element by element, each element
// encoded on its own. encoding/json encodes a value into one buffer and
// then re-indents it into a second; for a report of 10,000 findings that
// is tens of megabytes copied several times, which costs more than the
// encoding itself.
package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

const indent = "  "

// Encode writes v followed by a newline. stream lists dotted paths of
// arrays to write element by element; "*" stands for every element of an
// array on the way.
func Encode(w io.Writer, v any, stream ...string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &encoder{w: bw, stream: stream}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	if err := e.value(reflect.ValueOf(v), "", ""); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

type encoder struct {
	w      *bufio.Writer
	buf    bytes.Buffer
	enc    *json.Encoder
	stream []string
}

// streamed reports whether path is, or leads to, a streamed array.
func (e *encoder) streamed(path string) (exact, below bool) {
	for _, s := range e.stream {
		if s == path {
			exact = true
		} else if strings.HasPrefix(s, path+".") || path == "" {
			below = true
		}
	}
	return exact, below
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// plain encodes v with the standard encoder at the given depth.
func (e *encoder) plain(v reflect.Value, prefix string) error {
	e.buf.Reset()
	e.enc.SetIndent(prefix, indent)
	if err := e.enc.Encode(v.Interface()); err != nil {
		return err
	}
	b := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	_, err := e.w.Write(b)
	return err
}

func (e *encoder) value(v reflect.Value, path, prefix string) error {
	exact, below := e.streamed(path)
	if !exact && !below {
		return e.plain(v, prefix)
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			e.w.WriteString("null")
			return nil
		}
		v = v.Elem()
	}
	if v.Type().Implements(marshalerType) || reflect.PointerTo(v.Type()).Implements(marshalerType) {
		return e.plain(v, prefix)
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			e.w.WriteString("null")
			return nil
		}
		if v.Len() == 0 {
			e.w.WriteString("[]")
			return nil
		}
		e.w.WriteString("[\n")
		inner := prefix + indent
		for i := range v.Len() {
			if i > 0 {
				e.w.WriteString(",\n")
			}
			e.w.WriteString(inner)
			if err := e.value(v.Index(i), join(path, "*"), inner); err != nil {
				return err
			}
		}
		e.w.WriteString("\n" + prefix + "]")
		return nil
	case reflect.Struct:
		return e.object(v, path, prefix)
	}
	return e.plain(v, prefix)
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// object writes a struct field by field, following encoding/json's rules
// for tags, omitempty and omitzero (embedded structs are not supported:
// the types written here have none, and a mistake fails loudly).
func (e *encoder) object(v reflect.Value, path, prefix string) error {
	t := v.Type()
	inner := prefix + indent
	first := true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			return fmt.Errorf("jsonstream: %s: embedded field %s", t, f.Name)
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if hasOpt(opts, "omitempty") && isEmpty(fv) {
			continue
		}
		if hasOpt(opts, "omitzero") && isZero(fv) {
			continue
		}
		if first {
			e.w.WriteString("{\n")
			first = false
		} else {
			e.w.WriteString(",\n")
		}
		e.w.WriteString(inner)
		if err := e.key(name); err != nil {
			return err
		}
		e.w.WriteString(": ")
		if err := e.value(fv, join(path, name), inner); err != nil {
			return err
		}
	}
	if first {
		e.w.WriteString("{}")
		return nil
	}
	e.w.WriteString("\n" + prefix + "}")
	return nil
}

func (e *encoder) key(name string) error {
	e.buf.Reset()
	if err := e.enc.Encode(name); err != nil {
		return err
	}
	_, err := e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	return err
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

type isZeroer interface{ IsZero() bool }

func isZero(v reflect.Value) bool {
	if z, ok := v.Interface().(isZeroer); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	return v.IsZero()
}
