// Command pause is the pod sandbox process of the locally built image
// localhost/pause (a stand-in for registry.k8s.io/pause, which cannot be
// pulled here). It runs as PID 1 of the pod's sandbox: it does nothing but
// wait, reaps any child that gets re-parented to it, and exits 0 on SIGINT or
// SIGTERM. It needs no privileges and no files.
//
// Build (static): CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o pause .
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("ordinal pause")
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "pause: warning: not running as PID 1")
	}
	sig := make(chan os.Signal, 16)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sig {
		switch s {
		case syscall.SIGCHLD:
			reap()
		default:
			os.Exit(0)
		}
	}
}

// reap collects every exited child without blocking. Signals coalesce, so one
// SIGCHLD may stand for several children.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
	}
}
