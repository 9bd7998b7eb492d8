package guard

import (
	"time"
)

// Summary describes a request for the audit log: what it asked for,
// never secrets (no environment values, no command lines, no registry
// credentials).
type Summary struct {
	Image          string    `json:"image,omitempty"`
	ImageID        string    `json:"image_id,omitempty"`
	Container      string    `json:"container,omitempty"`
	User           string    `json:"user,omitempty"`
	Privileged     bool      `json:"privileged,omitempty"`
	CapAdd         []string  `json:"cap_add,omitempty"`
	Binds          []string  `json:"binds,omitempty"` // host sources
	Devices        []string  `json:"devices,omitempty"`
	NetworkMode    string    `json:"network_mode,omitempty"`
	PidMode        string    `json:"pid_mode,omitempty"`
	SecurityOpt    []string  `json:"security_opt,omitempty"`
	ReadonlyRootfs bool      `json:"readonly_rootfs,omitempty"`
	EnvKeys        []string  `json:"env_keys,omitempty"`
	ScannedAt      time.Time `json:"scanned_at,omitzero"`
	Suppressed     int       `json:"suppressed_findings,omitempty"`
	// Signers are the image's verified signers (trust rules).
	Signers []string `json:"signers,omitempty"`
}

func (s *Summary) fromSpec(c *compiled, sp *spec) {
	s.Image, s.User, s.EnvKeys = sp.image, sp.user, sp.envKeys
	if sp.imageID != "" {
		s.ImageID = sp.imageID
	}
	for _, h := range sp.hosts() {
		s.Privileged = s.Privileged || h.Privileged
		s.CapAdd = append(s.CapAdd, h.CapAdd...)
		uses, _ := c.hostUses(h)
		for _, u := range uses {
			if u.path != "" {
				s.Binds = append(s.Binds, u.path)
			}
		}
		for _, d := range h.Devices {
			s.Devices = append(s.Devices, d.PathOnHost)
		}
		s.SecurityOpt = append(s.SecurityOpt, h.SecurityOpt...)
		if h == sp.effective {
			s.NetworkMode, s.PidMode, s.ReadonlyRootfs = string(h.NetworkMode), string(h.PidMode), h.ReadonlyRootfs
		}
	}
}
