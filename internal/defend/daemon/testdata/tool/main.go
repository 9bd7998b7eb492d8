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
	"syscall"
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
		// A reverse shell lives as long as its operator types: the
		// session stays open a few seconds before it ends, which is what
		// a response from user space has to catch.
		io.WriteString(c, "echo pwned-$((6*7))\n")
		time.Sleep(3 * time.Second)
		io.WriteString(c, "exit\n")
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
	case "openloop": // RATE DURATION: open+close /tmp/load-N for writing at RATE per second
		rate, _ := strconv.Atoi(arg)
		d, _ := time.ParseDuration(os.Args[3])
		n := openLoop(rate, d)
		fmt.Printf("opens=%d\n", n)
	case "forkexec": // N: run /usr/bin/true N times
		n, _ := strconv.Atoi(arg)
		t0 := time.Now()
		for i := 0; i < n; i++ {
			pid, err := syscall.ForkExec("/usr/bin/true", []string{"true"}, nil)
			if err != nil {
				fail(err)
			}
			var ws syscall.WaitStatus
			syscall.Wait4(pid, &ws, 0, nil)
		}
		report(t0, n)
	case "openclose": // N: open and close a file N times, read-only
		n, _ := strconv.Atoi(arg)
		t0 := time.Now()
		for i := 0; i < n; i++ {
			fd, err := unix.Open("/etc/hostname", unix.O_RDONLY, 0)
			if err != nil {
				fail(err)
			}
			unix.Close(fd)
		}
		report(t0, n)
	case "sleep":
		d, _ := time.ParseDuration(arg)
		time.Sleep(d)
	default:
		fmt.Fprintln(os.Stderr, "unknown act", os.Args[1])
		os.Exit(2)
	}
}

// openLoop opens files for writing at rate per second for d, pacing every
// millisecond, and returns how many opens succeeded.
func openLoop(rate int, d time.Duration) int {
	start := time.Now()
	n := 0
	for {
		el := time.Since(start)
		if el >= d {
			return n
		}
		due := int(float64(rate) * el.Seconds())
		for n < due {
			fd, err := unix.Open("/tmp/load-"+strconv.Itoa(n&7), unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, 0o644)
			if err != nil {
				fail(err)
			}
			unix.Close(fd)
			n++
		}
		time.Sleep(time.Millisecond)
	}
}

// report prints wall and CPU (this process and its children, user and
// system) time per iteration: CPU time measures what the loop itself
// costs, apart from waiting for a busy machine's cores.
func report(t0 time.Time, n int) {
	wall := time.Since(t0).Nanoseconds() / int64(n)
	var self, kids unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &self)
	unix.Getrusage(unix.RUSAGE_CHILDREN, &kids)
	cpu := self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano()
	fmt.Printf("ns_per_op=%d cpu_ns_per_op=%d\n", wall, cpu/int64(n))
}

func fail(err error) {
	fmt.Println("error:", err)
	os.Exit(1)
}
