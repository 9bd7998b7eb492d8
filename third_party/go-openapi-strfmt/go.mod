module github.com/go-openapi/strfmt

go 1.25.0

require (
	github.com/go-openapi/errors v0.22.8
	github.com/go-openapi/testify/v2 v2.6.0
	github.com/go-viper/mapstructure/v2 v2.5.0
	github.com/google/uuid v1.6.0
	github.com/oklog/ulid/v2 v2.1.1
	golang.org/x/net v0.57.0
)

require golang.org/x/text v0.40.0
