package secrets

import (
	"regexp"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// rule is one credential format. keywords (matched case-insensitively)
// must occur in a file before the regular expression runs; group names the
// submatch holding the secret (0: the whole match).
type rule struct {
	finding.Rule
	keywords []string
	// re compiles the expression on first use: most texts hold no keyword
	// of most rules, and a bounded repetition such as .{0,1000} takes
	// milliseconds to compile (all the rules: 8.7 ms, 0.8 MB).
	re    func() *regexp.Regexp
	group int
	// minEntropy, when set, discards low-entropy matches (placeholders).
	minEntropy float64
	// generic rules also refuse values that look like placeholders.
	generic bool
	// after bounds how far past its keyword a match may end (default
	// 512 bytes); multi-line formats need more.
	after int
}

func newRule(id, title string, sev advisory.Severity, keywords []string, re string, group int) rule {
	return rule{
		Rule: finding.Rule{ID: id, Class: finding.Secret, Severity: sev, Title: title, Content: true,
			Remediation: "Remove the credential from the image (and its history: rebuild without it), revoke it, and pass secrets at run time (mounted files, a secret store, BuildKit --secret)."},
		keywords: keywords, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(re) }), group: group,
	}
}

// builtinRules are the credential formats Bulwark knows. Formats follow the
// issuers' documentation of their token prefixes. Compiled on first use, so
// commands that never search for secrets do not pay for the expressions.
var builtinRules = sync.OnceValue(func() []rule {
	return []rule{
		newRule("secret-aws-access-key-id", "AWS access key ID", advisory.Critical,
			[]string{"akia", "asia", "abia", "acca", "a3t"},
			`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b`, 1),
		withEntropy(newRule("secret-aws-secret-access-key", "AWS secret access key", advisory.Critical,
			[]string{"secret_access_key", "secretaccesskey", "secret-access-key"},
			`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`, 1), 3.5),
		newRule("secret-github-token", "GitHub token", advisory.Critical,
			[]string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
			`\b(gh[pousr]_[A-Za-z0-9]{36})\b`, 1),
		newRule("secret-github-fine-grained-token", "GitHub fine-grained token", advisory.Critical,
			[]string{"github_pat_"},
			`\b(github_pat_[A-Za-z0-9_]{82})\b`, 1),
		newRule("secret-gitlab-token", "GitLab personal access token", advisory.Critical,
			[]string{"glpat-"},
			`\b(glpat-[A-Za-z0-9_-]{20})\b`, 1),
		newRule("secret-slack-token", "Slack token", advisory.High,
			[]string{"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"},
			`\b(xox[baprs]-[0-9]{10,13}-[0-9A-Za-z-]{10,})\b`, 1),
		newRule("secret-slack-webhook", "Slack incoming webhook", advisory.High,
			[]string{"hooks.slack.com"},
			`(https://hooks\.slack\.com/services/T[A-Z0-9]{8,}/B[A-Z0-9]{8,}/[A-Za-z0-9]{24})`, 1),
		newRule("secret-stripe-key", "Stripe live secret key", advisory.Critical,
			[]string{"sk_live_", "rk_live_"},
			`\b((?:sk|rk)_live_[0-9a-zA-Z]{24,99})\b`, 1),
		newRule("secret-google-api-key", "Google API key", advisory.High,
			[]string{"aiza"},
			`\b(AIza[0-9A-Za-z_-]{35})\b`, 1),
		newRule("secret-gcp-service-account", "Google Cloud service account key", advisory.Critical,
			[]string{"service_account"},
			`(?s)"type"\s*:\s*"service_account".{0,1000}?"private_key"\s*:\s*"(-----BEGIN[^"]{40,})"`, 1).reach(16 << 10),
		newRule("secret-private-key", "Private key", advisory.High,
			[]string{"private key"},
			`(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)[\s\\n]*(?:[A-Za-z0-9-]+: [^\n]*[\s\\n]+)*[A-Za-z0-9+/=\s\\n]{64,}-----END`, 1).reach(16 << 10),
		withEntropy(newRule("secret-jwt", "JSON Web Token", advisory.Medium,
			[]string{"eyj"},
			`\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})`, 1), 3.0),
		genericRule(),
	}
})

func (r rule) reach(n int) rule {
	r.after = n
	return r
}

func withEntropy(r rule, bits float64) rule {
	r.minEntropy = bits
	return r
}

// genericRule catches `password = "…"`-style assignments of literal,
// random-looking values.
func genericRule() rule {
	r := newRule("secret-generic-assignment", "Credential assigned in plain text", advisory.High,
		[]string{"password", "passwd", "secret", "token", "api_key", "apikey", "api-key"},
		`(?i)\b(?:password|passwd|secret|secret[_-]?key|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token)\b["']?\s*(?:=|:|:=|=>)\s*["']([^"'\s$]{12,128})["']`, 1)
	r.minEntropy = 3.5
	r.generic = true
	return r
}

// exampleValues are published placeholder credentials (AWS documentation
// and SDK test values); they are never reported.
var exampleValues = map[string]bool{
	"AKIAIOSFODNN7EXAMPLE":                     true,
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": true,
	"AKIAI44QH8DHBEXAMPLE":                     true,
	"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY": true,
}
