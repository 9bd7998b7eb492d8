// Command tool performs the acts the defend tests watch, inside a test
// container: a listener for a reverse shell, connections, memfd
// execution, ptrace of a sibling.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tool listen|connect|unix|memfd|ptrace|sleep ARG")
		os.Exit(2)
	}
	arg := ""
	if len(os.Args) > 2 {
		arg = os.Args[2]
	}
	switch os.Args[1] {
	case "listen": // accept one connection, send commands, print what comes back
		ln, err := net.Listen("tcp", arg)
		if err != nil {
			fail(err)
		}
		fmt.Println("listening")
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
		c, err := ln.Accept()
		if err != nil {
			fail(err)
		}
		io.WriteString(c, "echo pwned-$((6*7))\nexit\n")
		c.SetDeadline(time.Now().Add(10 * time.Second))
		b, _ := io.ReadAll(c)
		fmt.Printf("got: %s", b)
	case "connect":
		c, err := net.DialTimeout("tcp", arg, 3*time.Second)
		if err != nil {
			fail(err)
		}
		c.Close()
		fmt.Println("connected")
	case "unix":
		c, err := net.Dial("unix", arg)
		if err != nil {
			fail(err)
		}
		io.WriteString(c, "GET /_ping HTTP/1.0\r\n\r\n")
		b, _ := io.ReadAll(c)
		fmt.Printf("unix: %d bytes\n", len(b))
	case "serve-unix":
		ln, err := net.Listen("unix", arg)
		if err != nil {
			fail(err)
		}
		fmt.Println("listening")
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	case "memfd": // copy a program into an anonymous file and run it from there
		body, err := os.ReadFile(arg)
		if err != nil {
			fail(err)
		}
		fd, err := unix.MemfdCreate("payload", 0)
		if err != nil {
			fail(err)
		}
		if _, err := unix.Write(fd, body); err != nil {
			fail(err)
		}
		p := "/proc/self/fd/" + strconv.Itoa(fd)
		fail(unix.Exec(p, append([]string{"payload"}, os.Args[3:]...), os.Environ()))
	case "ptrace":
		pid, _ := strconv.Atoi(arg)
		if err := unix.PtraceAttach(pid); err != nil {
			fail(err)
		}
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
		unix.PtraceDetach(pid)
		fmt.Println("attached")
	case "sleep":
		d, _ := time.ParseDuration(arg)
		time.Sleep(d)
	default:
		fmt.Fprintln(os.Stderr, "unknown act", os.Args[1])
		os.Exit(2)
	}
}

func fail(err error) {
	fmt.Println("error:", err)
	os.Exit(1)
}
