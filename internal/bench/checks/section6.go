package checks

import (
	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

func section6() []bench.Check {
	return []bench.Check{
		check("6.1", "Image sprawl is avoided", 1, false,
			"Remove images no container uses (docker image prune -a) and keep only the versions you deploy.", imageSprawl),
		check("6.2", "Container sprawl is avoided", 1, false,
			"Remove stopped containers you no longer need (docker container prune).", containerSprawl),
	}
}

func imageSprawl(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	if s.Engine.ImagesErr != "" && len(s.Engine.Images) == 0 {
		return skip("images not readable: %s", s.Engine.ImagesErr)
	}
	used := map[string]bool{}
	for _, c := range s.Engine.Containers {
		used[c.Inspect.Image] = true
	}
	var unused []string
	for _, img := range s.Engine.Images {
		if !used[img.Inspect.ID] {
			unused = append(unused, img.Name())
		}
	}
	return bench.Outcome{Status: bench.Info, Items: unused,
		Details: plural(len(s.Engine.Images), "image") + " on the engine, " + plural(len(s.Engine.Images)-len(unused), "image") + " used by containers"}
}

func containerSprawl(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	in := s.Engine.Info
	return info("%s: %d running, %d paused, %d stopped", plural(in.Containers, "container"), in.ContainersRunning, in.ContainersPaused, in.ContainersStopped)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
